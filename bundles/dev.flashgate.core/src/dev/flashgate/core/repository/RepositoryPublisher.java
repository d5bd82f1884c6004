package dev.flashgate.core.repository;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.TrustAnchors;

/**
 * The vendor's side: builds and signs a repository in a folder from packages. Keys are PKCS#8 PEM
 * files in a key folder ({@code <role>/<keyid>.pem}); a role is signed with every key of that role
 * the key folder holds, so offline keys can live on another machine and sign in turn.
 */
@ProviderType
public interface RepositoryPublisher {

    /**
     * Creates an empty repository: a new Ed25519 key per role and per count (e.g. two root keys with
     * a threshold of two), root version 1, and empty targets, snapshot and timestamp.
     */
    void init(Path repository, Path keys, Map<Role, Integer> thresholds) throws FlashgateException;

    /**
     * Adds packages (replacing ones of the same file name) and signs new targets, snapshot and
     * timestamp. Each package must be well formed with every artifact intact, and signed: verified
     * against {@code anchors}, or, when {@code anchors} is {@code null}, carrying a signature that is
     * sound but not checked against an anchor. The station verifies it again in full.
     */
    List<RepositoryTarget> add(Path repository, Path keys, List<Path> packages, TrustAnchors anchors) throws FlashgateException;

    /**
     * Signs a new version of each role named (and the roles that must follow it: a new targets
     * needs a new snapshot, which needs a new timestamp) with the keys in {@code keys}. With
     * {@code coSign}, adds signatures to the current version of each role instead, for thresholds
     * above one. {@code validity} is how long the named roles' new versions stay valid ({@code null}:
     * root a year, targets 90 days, snapshot a week, timestamp a day).
     */
    void sign(Path repository, Path keys, Set<Role> roles, boolean coSign, Duration validity) throws FlashgateException;

    /**
     * Replaces the keys of a role with a new key (or, for root, adds a root version signed by the old
     * and the new keys), so stations follow the rotation through the signed chain of roots.
     */
    void rotate(Path repository, Path keys, Role role) throws FlashgateException;

    /** Serves the repository folder read-only over HTTP until the returned handle is closed. */
    Server serve(Path repository, InetSocketAddress address) throws FlashgateException;

    /** A running server. */
    interface Server extends AutoCloseable {
        URI uri();

        @Override
        void close();
    }
}
