package dev.flashgate.core;

/**
 * Every failure Flashgate can report, with the exit status of the CLI and the three texts a
 * technician needs: what they see, why it happens, and what to do about it.
 * Codes are stable: scripts and service-centre tooling match on {@link #name()}.
 */
public enum ErrorCode {
    USAGE(2, "The command was not understood.",
            "An argument is missing, misspelt or names a file that cannot be read.",
            "Check the command with --help and the file path."),

    PKG_NOT_ZIP(3, "The file is not an update package.",
            "It is not a well-formed ZIP archive, or it uses a ZIP feature packages may not use "
                    + "(encryption, multiple disks, bytes before or after the archive).",
            "Make sure you picked the .fgp file the vendor published; download it again if needed."),
    PKG_TRUNCATED(3, "The package is incomplete.",
            "The file ends before the archive does: an interrupted download or copy.",
            "Download the package again and compare its size with the vendor's."),
    PKG_BAD_ENTRY_NAME(3, "The package contains a file with a forbidden name.",
            "An entry name is absolute, climbs out with '..', uses '\\', a drive letter, control or invisible characters, "
                    + "a name Windows cannot hold, or names another file than it says; or the entry is not a plain file or folder "
                    + "(a symbolic link). Such names are used to overwrite files outside a folder or to show another file than is there.",
            "Do not use this package; report it to the vendor."),
    PKG_DUPLICATE_ENTRY(3, "The package contains the same file twice.",
            "Two entries have the same name (also ignoring case) or share the same bytes, "
                    + "so different tools would see different contents.",
            "Do not use this package; report it to the vendor."),
    PKG_CORRUPT(3, "The package's archive contradicts itself.",
            "A CRC-32 disagrees with another copy of it or with the data, or bytes are hidden after an entry's compressed data: "
                    + "other ZIP tools would refuse the file or show other contents than Flashgate checked.",
            "Download the package again; if it persists, report it to the vendor."),
    PKG_UNLISTED_ENTRY(3, "The package contains a file its manifest does not list.",
            "Every file must be covered by the signed manifest; an extra one was added later.",
            "Do not use this package; download it again from the vendor."),
    PKG_MISSING_ENTRY(3, "A file listed in the manifest is missing from the package.",
            "The package was assembled incompletely or a file was removed after signing.",
            "Download the package again; if it persists, report it to the vendor."),
    PKG_TOO_LARGE(3, "The package exceeds Flashgate's limits.",
            "Too many entries, an oversized manifest, or an entry whose compression ratio "
                    + "only a decompression bomb would have.",
            "Do not use this package; report it to the vendor."),
    MANIFEST_INVALID(3, "The package manifest is invalid.",
            "manifest.json is not valid UTF-8 JSON or lacks a required field or has a field of the wrong type.",
            "Report it to the vendor with the message shown; the package cannot be used."),
    MANIFEST_UNSUPPORTED_FORMAT(3, "The package uses a format this Flashgate does not know.",
            "The manifest's format is not flashgate-package/1.",
            "Update Flashgate, or ask the vendor for a package in format 1."),

    SIG_MISSING(4, "The package is not signed.",
            "manifest.json.p7s is absent or empty, so nobody vouches for the contents.",
            "Only install packages signed by the vendor; ask the vendor for a signed package."),
    SIG_INVALID(4, "The package signature is broken.",
            "The signature does not match the manifest: the manifest was edited after signing, "
                    + "or the signature belongs to another package.",
            "Do not use this package; download it again from the vendor."),
    SIG_UNTRUSTED(4, "The package is signed by someone this station does not trust.",
            "The signer's certificate does not chain to any vendor trust anchor installed here.",
            "If the vendor is legitimate, install its anchor with 'flashgate trust add'; otherwise discard the package."),
    SIG_CERT_EXPIRED(4, "The signing certificate is expired or not yet valid.",
            "The signer's certificate (or one above it) is outside its validity period, or the station clock is wrong.",
            "Check the station's date and time; otherwise ask the vendor for a freshly signed package."),
    SIG_CERT_USAGE(4, "The signing certificate is not meant for signing firmware.",
            "Its key usage lacks digitalSignature or its extended key usage lacks codeSigning.",
            "Ask the vendor to sign with a code-signing certificate."),
    SIG_ALGORITHM_REJECTED(4, "The package is signed with an algorithm Flashgate does not accept.",
            "Only SHA-256/384/512 with RSA >= 2048 bits, ECDSA P-256/P-384 or Ed25519 are accepted.",
            "Ask the vendor to sign with an accepted algorithm."),

    HASH_MISMATCH(5, "A firmware file in the package is corrupted.",
            "Its SHA-256 differs from the signed manifest: a corrupted download or a tampered file.",
            "Download the package again; if it persists, report it to the vendor."),
    SIZE_MISMATCH(5, "A firmware file in the package has the wrong size.",
            "Its size differs from the signed manifest: a truncated or tampered file.",
            "Download the package again; if it persists, report it to the vendor."),

    INCOMPATIBLE_MODEL(6, "The package is not for this device model.",
            "The manifest's target models do not include the device's model.",
            "Pick the package published for this model."),
    INCOMPATIBLE_CHIPSET(6, "The package is not for this device's chipset.",
            "The manifest targets another chipset.",
            "Pick the package published for this device's chipset."),
    INCOMPATIBLE_HARDWARE(6, "The package is not for this hardware revision.",
            "The manifest's hardware revisions do not include the device's.",
            "Pick the package published for this hardware revision."),
    LAYOUT_MISMATCH(6, "The package's flash layout does not fit this device.",
            "Its layout writes outside the partition it names, names a partition this device's partition table does not "
                    + "have, or the device shows no partition table to check it against.",
            "Pick the package published for this device; if it is the right one, report it to the vendor with the message shown."),
    PROGRAMMER_MISMATCH(6, "The package's programmer is not for this device's chip.",
            "The package names the chips its programmer is for (MSM HW ID, OEM PK hash), and the chip in emergency download "
                    + "says it is another one, or does not say which it is.",
            "Pick the package published for this device; nothing was uploaded to it."),
    PRESERVED_PARTITION(6, "The package would overwrite what makes this device itself.",
            "Its layout writes or erases a partition that holds the device's identity or calibration (on MDM9x07 modems efs2 "
                    + "and fsg: the IMEI and RF calibration), and the signed manifest does not declare that it replaces it.",
            "Do not use this package on this device; ask the vendor. A package that must replace such a partition says so in "
                    + "target.replacesPartitions, and the old content is backed up first."),
    PACKAGE_EXPIRED(6, "The package has expired.",
            "The vendor limited how long this package may be installed, and that time has passed.",
            "Get the current package from the vendor."),

    DOWNGRADE(7, "The package is older than the firmware on the device.",
            "Its versionCode is lower than the device's current one.",
            "Use a newer package, or allow downgrades explicitly if the vendor supports it."),
    SECURITY_VERSION_ROLLBACK(7, "The package would roll back a security fix.",
            "Its securityVersion is lower than the highest ever installed on this device; this is never allowed.",
            "Use a package with the same or a higher security version."),

    DEVICE_GONE(8, "The device disconnected.",
            "The link dropped: cable, hub, power, or the device rebooted unexpectedly.",
            "Reconnect the device and retry; Flashgate resumes or recovers where the protocol allows."),
    DEVICE_STALLED(8, "The device stopped answering.",
            "No data moved within the watchdog time: the device hung or the link is stuck.",
            "Power-cycle the device and retry the session."),
    DEVICE_NAK(8, "The device refused a command.",
            "The device answered with an error or NAK, for example a rejected programmer or a bad address.",
            "Check that the package is meant for this device; retry once, then report it with the log."),
    DEVICE_STORAGE_FULL(8, "The device does not have enough free storage.",
            "The update does not fit in the device's free space.",
            "Free space on the device (remove old images or logs) and retry."),
    READBACK_MISMATCH(8, "The device holds different data than was written.",
            "The device's readback hash differs from the package: a write error or failing flash.",
            "Retry the update; if it repeats, the device needs service."),
    ACTIVATION_FAILED(8, "The device did not start the new firmware.",
            "After its reboot the device reports another revision than the package's: it refused or rolled back the image.",
            "Check that the package is meant for this device; retry once, then report it with the session log."),
    IDENTITY_LOST(8, "The device came back without its identity.",
            "After the update it reports no IMEI, or another one: what holds its identity and calibration was overwritten or "
                    + "erased.",
            "Do not hand the device back: restore the backup the session took before writing (the detail says which), then "
                    + "check its IMEI and network service."),
    DEVICE_SWAPPED(8, "Another device answered in this device's place.",
            "The device that came back (for example in emergency download, in this device's USB port) identifies as another "
                    + "one than a session recorded for this device: it was swapped mid-session, or the port is shared.",
            "Check which device is plugged in where; start the session again on the device you mean. Nothing was written."),
    DEVICE_BUSY(8, "The device is already being updated.",
            "Another update session holds this device or one of its ports.",
            "Wait for that session to end (see the status view or 'flashgate history'), then retry."),
    NO_PLUGIN(6, "No upgrade plugin can update this device with this package.",
            "The package names an upgrade plugin that is not installed, or the plugin does not handle this device.",
            "Install the vendor's plugin for this device series, or pick the package published for this device."),

    HOST_DISK_FULL(9, "This computer is running out of disk space.",
            "Flashgate cannot write its working files or journal.",
            "Free disk space on the station and retry."),
    HOST_LOW_MEMORY(9, "This computer is running low on memory.",
            "Not enough memory is available to run the session safely.",
            "Close other programs or run fewer sessions at once, then retry."),

    HOST_IO(9, "Flashgate cannot read or write its files on this computer.",
            "A file or folder it keeps (under the station's home, or one named on the command line) cannot be "
                    + "read or written: permissions, a read-only or full disk.",
            "Check the path, its permissions and the free space, then retry."),

    CANCELLED(10, "The update was cancelled.",
            "The operator cancelled the session.",
            "The session's outcome says what state the device was left in; start a new session when ready."),

    PLUGIN_NOT_A_BUNDLE(11, "The file is not a Flashgate plugin.",
            "It is not a jar, or its manifest does not name an OSGi bundle (Bundle-SymbolicName).",
            "Check that you picked the plugin file the vendor published."),
    PLUGIN_UNSIGNED(11, "The plugin is not signed.",
            "Its jar carries no signature, so nobody vouches for the code it would run in the station.",
            "Only install plugins signed by their vendor; ask the vendor for a signed plugin."),
    PLUGIN_TAMPERED(11, "The plugin was changed after it was signed.",
            "A file in the jar does not match its signed digest, or was added where the signature does not cover it.",
            "Do not install it; download the plugin again from the vendor."),
    PLUGIN_UNTRUSTED(11, "The plugin is signed by someone this station does not trust with plugins.",
            "The signer's certificate does not chain to any plugin trust anchor; those are kept apart from the "
                    + "package trust anchors.",
            "If the vendor is legitimate, add its plugin signing anchor to the station's plugin trust store; otherwise "
                    + "discard the plugin."),
    PLUGIN_IN_USE(11, "The plugin is updating a device right now.",
            "A running session uses an upgrade plugin of this bundle; taking it away would cut the session off.",
            "Wait for the session to end (see the Status view), then remove or replace the plugin."),
    PLUGIN_NOT_INSTALLED(11, "No such plugin is installed on this station.",
            "No plugin bundle of that name was installed here (plugins that come with Flashgate cannot be removed).",
            "List the installed plugins with 'flashgate plugins list' and use a name from there."),
    PLUGIN_CONFLICT(11, "The plugin cannot be installed next to what the station runs.",
            "A bundle of the same name comes with Flashgate, a newer version is installed, or the bundle does not "
                    + "resolve (a package it needs is missing).",
            "Remove the installed version first, or ask the vendor for a plugin built for this Flashgate."),

    REPO_UNKNOWN(12, "No such update repository is set up on this station.",
            "No repository of that name was added, or it was removed.",
            "List the repositories with 'flashgate remote list' and use a name from there, or add it."),
    REPO_EXISTS(12, "A repository of that name is already set up.",
            "Repository names are unique on a station.",
            "Pick another name, or remove the old repository first."),
    REPO_UNREACHABLE(12, "The update repository cannot be reached.",
            "The connection failed, timed out, or the server answered with an error status.",
            "Check the network and the repository address; an air-gapped station imports the repository from "
                    + "removable media instead ('flashgate remote import')."),
    REPO_METADATA_INVALID(12, "The repository's metadata is malformed.",
            "A metadata file is not canonical JSON of the expected role, lacks a field, or uses a feature this "
                    + "Flashgate does not support (delegations, unknown key types).",
            "Do not use this repository now; report it to the vendor with the message shown."),
    REPO_SIGNATURE(12, "The repository's metadata is not signed by enough trusted keys.",
            "Fewer valid signatures than the role's threshold, by keys the trusted root metadata names for that "
                    + "role: the metadata was forged or altered, or the vendor rotated keys without a signed root.",
            "Do not use this repository until the vendor confirms its keys; never replace the pinned root by hand."),
    REPO_ROLLBACK(12, "The repository offers older metadata than this station has already seen.",
            "A version number went back (timestamp, snapshot, targets or root): someone is replaying an old "
                    + "state of the repository to hold back an update, or the vendor restored an old copy.",
            "Do not use this mirror; report it to the vendor. The station keeps using what it trusted before."),
    REPO_EXPIRED(12, "The repository's metadata has expired.",
            "A role's expiry date has passed: the repository stopped being refreshed, or an old copy is being "
                    + "served to freeze the station on old firmware (or the station's clock is wrong).",
            "Check the station's date and time; otherwise update from the vendor again or import a fresh copy."),
    REPO_INCONSISTENT(12, "The repository's metadata files do not belong together.",
            "A file's version, length or hash differs from what the role above it signed for: files of different "
                    + "states were mixed (mix-and-match), or a mirror is half-updated.",
            "Retry later; if it persists, do not use this mirror and report it to the vendor."),
    REPO_DOWNLOAD_TRUNCATED(12, "A download from the repository ended early.",
            "The connection closed before the signed length was received; nothing of it was kept.",
            "Retry; check the network or proxy if it happens again."),
    REPO_DOWNLOAD_TOO_LONG(12, "The repository sent more than it signed for.",
            "A file is longer than the length in the signed metadata (or the size limit for metadata): an endless "
                    + "data attack or a wrong file; the download was stopped and nothing was kept.",
            "Do not use this mirror; report it to the vendor."),
    REPO_DOWNLOAD_STALLED(12, "A download from the repository is too slow.",
            "No bytes arrived for the stall timeout, or the average rate stayed below the minimum: a slow retrieval "
                    + "attack or a failing network. Nothing of it was kept.",
            "Retry; if the network is slow by nature, import the repository from removable media."),
    REPO_TARGET_UNKNOWN(12, "The repository does not offer that package.",
            "The signed targets metadata lists no package of that name (or none for that model).",
            "List what it offers with 'flashgate remote targets NAME'."),
    REPO_TARGET_MISMATCH(12, "A package from the repository is not the one the repository signed for.",
            "Its SHA-256 differs from the signed targets metadata, or its manifest says another model or version "
                    + "than the repository listed.",
            "Do not use it; it was not kept. Retry, and report it to the vendor if it persists."),

    INTERNAL(1, "Flashgate hit an unexpected problem.",
            "A bug in Flashgate.",
            "Report it with the log and the command you ran.");

    private final int exitStatus;
    private final String symptom;
    private final String cause;
    private final String resolution;

    ErrorCode(int exitStatus, String symptom, String cause, String resolution) {
        this.exitStatus = exitStatus;
        this.symptom = symptom;
        this.cause = cause;
        this.resolution = resolution;
    }

    /** Exit status of the CLI for this code (the error class of the package format spec). */
    public int exitStatus() {
        return exitStatus;
    }

    public String symptom() {
        return symptom;
    }

    public String cause() {
        return cause;
    }

    public String resolution() {
        return resolution;
    }
}
