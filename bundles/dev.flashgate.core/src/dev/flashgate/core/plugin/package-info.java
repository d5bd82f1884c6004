/**
 * Device-series plugins a station installs while it runs: checking a plugin bundle's jar signature
 * against the station's plugin trust anchors, which are kept apart from the package anchors. Only
 * JDK types cross this API.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.core.plugin;
