/**
 * Update packages: the manifest model, the verification report and the services that verify,
 * build and sign packages. Only JDK types cross this API.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.core.pkg;
