/** Simulated devices over ptys: the embedded default and the test bench for upgrade plugins. */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.simulator;
