package dev.flashgate.core.pkg;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/**
 * Decides whether an update package may ever reach a device. The order is fixed: container
 * rules, then the CMS signature over the manifest against the trust anchors, and only then is
 * the manifest parsed and every artifact's size and SHA-256 streamed. Fails closed.
 */
@ProviderType
public interface PackageVerifier {

    /** Verifies a package, stopping at the first broken rule. Never throws for a bad package. */
    VerificationReport verify(Path pkg, TrustAnchors anchors, ProgressListener progress);

    /**
     * Like {@link #verify}, with the same verdict, but goes on past a failed signature or artifact
     * to gather whatever can be shown: an untrusted manifest is parsed and reported with
     * {@code manifestTrusted == false}, and every artifact is hashed.
     */
    VerificationReport inspect(Path pkg, TrustAnchors anchors, ProgressListener progress);

    /**
     * Verifies a package like {@link #verify} and, when it is verified, keeps it open for
     * streaming its artifacts; otherwise throws the rejection's code and detail.
     */
    VerifiedPackage open(Path pkg, TrustAnchors anchors, ProgressListener progress) throws FlashgateException;
}
