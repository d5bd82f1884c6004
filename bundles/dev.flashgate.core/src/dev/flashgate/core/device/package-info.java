/** Devices: identity, ports, serial links and the discovery service. No third-party types. */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.core.device;
