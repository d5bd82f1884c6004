package dev.flashgate.core.device;

/** What a device is doing, as its USB id tells. */
public enum DeviceMode {
    /** Normal operation: AT (and DIAG) ports. */
    MODEM,
    /** Qualcomm emergency download: one bulk port speaking Sahara, then Firehose. */
    EDL,
    /** The virtual CD-ROM a ZTE stick shows before switching to modem mode. */
    MASS_STORAGE,
    /** Not in the device table. */
    UNKNOWN
}
