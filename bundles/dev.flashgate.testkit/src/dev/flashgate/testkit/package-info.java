/**
 * The contract every upgrade plugin passes against its simulator: extend {@link
 * dev.flashgate.testkit.UpgradePluginContract} in the plugin's test bundle, say which simulated
 * model it updates and what a package for it holds, and the kit runs the happy path, every fault
 * knob, cancel, a vanished device, a stall and the preflight rules through the real session engine.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.testkit;
