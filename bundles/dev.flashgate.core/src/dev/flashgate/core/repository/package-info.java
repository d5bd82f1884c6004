/**
 * Vendor update repositories, signed in the manner of The Update Framework (TUF): a station
 * pins a repository's root metadata once and from then on takes only what the root, targets,
 * snapshot and timestamp roles sign for (thresholds, expiry, versions that never go back, root
 * key rotation). Packages fetched from a repository are then verified like any other package.
 * Only JDK types cross this API.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.core.repository;
