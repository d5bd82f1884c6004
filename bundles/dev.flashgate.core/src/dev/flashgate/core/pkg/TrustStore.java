package dev.flashgate.core.pkg;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** The vendor trust anchors pinned on this station (PEM files in the station's trust folder). */
@ProviderType
public interface TrustStore {

    /** The station's anchors; empty when none are installed (verification then fails closed). */
    TrustAnchors anchors() throws FlashgateException;

    /** Anchors read from the given PEM files or folders of them, replacing the station's for one job. */
    TrustAnchors load(List<Path> filesOrFolders) throws FlashgateException;

    List<CertificateInfo> list() throws FlashgateException;

    /** Pins the certificates of a PEM file; returns what was added. */
    List<CertificateInfo> add(Path pem) throws FlashgateException;

    /** The same kind of store kept in another folder, e.g. for a second station profile. */
    TrustStore inFolder(Path folder);

    /** Removes anchors whose SHA-256 fingerprint starts with the given hex (at least 8 digits). */
    List<CertificateInfo> remove(String fingerprintPrefix) throws FlashgateException;
}
