/**
 * The upgrade plugin SPI and the update sessions that drive it. A plugin ({@link
 * dev.flashgate.upgrade.UpgradePlugin}) is a Declarative Services component per device series;
 * the session engine ({@link dev.flashgate.upgrade.UpdateSessions}) verifies the package, runs
 * preflight, hands the plugin a {@link dev.flashgate.core.pkg.VerifiedPackage} and walks it
 * through prepare, transfer, readback and activation under a watchdog, journaling every step.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.upgrade;
