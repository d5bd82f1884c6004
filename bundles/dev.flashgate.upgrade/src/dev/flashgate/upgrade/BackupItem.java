package dev.flashgate.upgrade;

import java.nio.file.Path;

/**
 * One copy a session kept of device content ({@link UpgradeContext#backup}), as a restore gets it:
 * its name (a partition, or what else the plugin kept), the SHA-256 and length of its bytes, and
 * the file in the station's backup store that holds them (checked against the SHA-256 before use).
 */
public record BackupItem(String name, String sha256, long bytes, Path file) {
}
