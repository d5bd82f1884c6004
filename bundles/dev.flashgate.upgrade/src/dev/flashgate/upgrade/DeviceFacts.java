package dev.flashgate.upgrade;

/**
 * What a device says about itself that preflight needs. Text the device did not report is
 * {@code null}, numbers it did not report are -1: {@code versionCode} (most devices only report a
 * revision string), {@code securityVersion}, {@code freeStorage} in bytes.
 */
public record DeviceFacts(String imei, String model, String revision, String hardwareRevision, long versionCode,
        long securityVersion, long freeStorage) {
}
