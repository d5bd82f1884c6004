/** Serial helpers for upgrade plugins and simulators: in-memory links and AT commands. */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.device;
