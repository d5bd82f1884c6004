package dev.flashgate.upgrade;

/**
 * What a device says about itself that preflight needs. Text the device did not report is
 * {@code null}, numbers it did not report are -1: {@code chipset} (when {@code null}, the device
 * table's word for it counts), {@code versionCode} (most devices only report a revision string),
 * {@code securityVersion}, {@code freeStorage} in bytes.
 */
public record DeviceFacts(String imei, String model, String revision, String hardwareRevision, String chipset,
        long versionCode, long securityVersion, long freeStorage) {
}
