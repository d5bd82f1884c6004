/**
 * Station mode: a service centre's policy says which package each device model gets (the newest
 * a vendor repository offers for it, a named one, or a local file); every device plugged in is
 * identified, matched, its package verified, and updated without a click, up to a number at once,
 * with a board of every device's stage. A device no rule names is never touched.
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package dev.flashgate.station;
