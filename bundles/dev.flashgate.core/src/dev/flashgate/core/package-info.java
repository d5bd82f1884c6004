/** Flashgate's shared vocabulary: error codes and event topics. No third-party types. */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.core;
