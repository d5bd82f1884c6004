package dev.flashgate.upgrade.internal;

import static dev.flashgate.core.ErrorCode.DEVICE_STORAGE_FULL;
import static dev.flashgate.core.ErrorCode.DOWNGRADE;
import static dev.flashgate.core.ErrorCode.HOST_DISK_FULL;
import static dev.flashgate.core.ErrorCode.HOST_LOW_MEMORY;
import static dev.flashgate.core.ErrorCode.INCOMPATIBLE_CHIPSET;
import static dev.flashgate.core.ErrorCode.INCOMPATIBLE_HARDWARE;
import static dev.flashgate.core.ErrorCode.INCOMPATIBLE_MODEL;
import static dev.flashgate.core.ErrorCode.PACKAGE_EXPIRED;
import static dev.flashgate.core.ErrorCode.SECURITY_VERSION_ROLLBACK;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.Target;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.SessionOptions;

/**
 * The checks between a verified package and a concrete device, in the order a technician would
 * want them reported: is it for this device at all, is it still valid, do the version rules allow
 * it, does the station have room, does the device. Unknown facts fail closed where the package
 * asks for them.
 */
final class Preflight {

    /** What preflight looks at besides the package and the device's own facts. */
    record Context(long freeDisk, long freeMemory, long installedSecurityVersion, OptionalLong currentVersionCode) {
    }

    private Preflight() {
    }

    /** Returns notes for the session log; throws the first rule the package breaks on this device. */
    static List<String> check(Manifest manifest, Device device, DeviceFacts facts, Context station, SessionOptions options,
            boolean allowDowngrade, long requiredStorage, Instant now) throws FlashgateException {
        Target target = manifest.target();
        if (facts.model() == null || target.models().stream().noneMatch(m -> m.equalsIgnoreCase(facts.model()))) {
            throw new FlashgateException(INCOMPATIBLE_MODEL, "the package is for " + target.models() + ", the device is "
                    + (facts.model() == null ? "a model that did not say" : facts.model()));
        }
        String chipset = facts.chipset() != null ? facts.chipset() : device.chipset();
        if (target.chipset() != null && (chipset == null || !target.chipset().equalsIgnoreCase(chipset))) {
            throw new FlashgateException(INCOMPATIBLE_CHIPSET, "the package is for " + target.chipset() + ", the device has "
                    + (chipset == null ? "a chipset Flashgate does not know" : chipset));
        }
        if (!target.hardwareRevisions().isEmpty() && (facts.hardwareRevision() == null
                || target.hardwareRevisions().stream().noneMatch(h -> h.equalsIgnoreCase(facts.hardwareRevision())))) {
            throw new FlashgateException(INCOMPATIBLE_HARDWARE, "the package is for hardware " + target.hardwareRevisions()
                    + ", the device " + (facts.hardwareRevision() == null ? "does not report its hardware revision"
                            : "is " + facts.hardwareRevision()));
        }
        if (manifest.expires() != null && !now.isBefore(manifest.expires())) {
            throw new FlashgateException(PACKAGE_EXPIRED, "the package expired at " + manifest.expires());
        }
        long installed = Math.max(facts.securityVersion(), station.installedSecurityVersion());
        if (manifest.securityVersion() < installed) {
            throw new FlashgateException(SECURITY_VERSION_ROLLBACK, "the package has security version " + manifest.securityVersion()
                    + ", the device has had " + installed);
        }
        List<String> notes = new java.util.ArrayList<>();
        OptionalLong current = facts.versionCode() >= 0 ? OptionalLong.of(facts.versionCode()) : station.currentVersionCode();
        if (current.isEmpty()) {
            notes.add("the version code of " + facts.revision() + " is unknown here (no package that installed it was journaled); "
                    + "the downgrade rule cannot apply");
        } else if (manifest.versionCode() < current.getAsLong()) {
            if (!allowDowngrade) {
                throw new FlashgateException(DOWNGRADE, "the package has versionCode " + manifest.versionCode() + ", the device runs "
                        + facts.revision() + " (versionCode " + current.getAsLong() + ")");
            }
            notes.add("downgrade from versionCode " + current.getAsLong() + " to " + manifest.versionCode() + " allowed by the operator");
        }
        if (station.freeDisk() < options.minHostDisk()) {
            throw new FlashgateException(HOST_DISK_FULL, (station.freeDisk() >> 20) + " MiB free for Flashgate's journal, at least "
                    + (options.minHostDisk() >> 20) + " MiB needed");
        }
        if (station.freeMemory() < options.minHostMemory()) {
            throw new FlashgateException(HOST_LOW_MEMORY, (station.freeMemory() >> 20) + " MiB of memory free, at least "
                    + (options.minHostMemory() >> 20) + " MiB needed");
        }
        if (facts.freeStorage() >= 0 && requiredStorage > facts.freeStorage()) {
            throw new FlashgateException(DEVICE_STORAGE_FULL, "the update needs " + requiredStorage + " bytes, the device has "
                    + facts.freeStorage() + " free");
        }
        if (facts.freeStorage() < 0 && requiredStorage > 0) {
            notes.add("the device does not report free storage; it will refuse the upload itself if it does not fit");
        }
        return notes;
    }
}
