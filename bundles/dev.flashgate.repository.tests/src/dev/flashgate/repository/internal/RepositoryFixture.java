package dev.flashgate.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.repository.Role;

/**
 * A vendor with a package signing CA and a repository in a folder, built with the real tool; a
 * station folder to set it up in. Packages are small but real, signed ones.
 */
final class RepositoryFixture {
    static final Limits FAST = new Limits(512 * 1024, 16 * 1024, 2 * 1024 * 1024, 32 * 1024 * 1024,
            Duration.ofSeconds(2), 4 * 1024, Duration.ofMillis(800), 64);

    final Path dir;
    final Path repo;
    final Path keys;
    final Path station;
    final RepositoryTool tool;
    final TrustAnchors anchors;
    private final SigningCredentials vendor;
    private final PackageBuilder builder;
    private final PackageSigner signer;

    RepositoryFixture(Path dir, Map<Role, Integer> thresholds) throws Exception {
        this.dir = dir;
        this.repo = dir.resolve("repo");
        this.keys = dir.resolve("keys");
        this.station = dir.resolve("station");
        SigningKeys signingKeys = service(SigningKeys.class);
        SigningCredentials ca = signingKeys.generate(new KeyRequest("CN=Repository test CA", KeyRequest.KeyType.EC_P256,
                Duration.ofDays(30), true, null));
        vendor = signingKeys.generate(new KeyRequest("CN=Repository test vendor", KeyRequest.KeyType.EC_P256,
                Duration.ofDays(30), false, ca));
        anchors = new TrustAnchors(List.of(ca.certificate()), "repository test CA");
        builder = service(PackageBuilder.class);
        signer = service(PackageSigner.class);
        tool = new RepositoryTool(service(PackageVerifier.class), Clock.systemUTC());
        tool.init(repo, keys, thresholds);
    }

    /** The same tool with its clock {@code ago} in the past, for metadata that has expired. */
    RepositoryTool toolAgo(Duration ago) throws InterruptedException {
        return new RepositoryTool(service(PackageVerifier.class), Clock.fixed(Instant.now().minus(ago), ZoneOffset.UTC));
    }

    StationRepositories station(Limits limits) {
        return new StationRepositories(station, limits, Clock.systemUTC());
    }

    /** A signed hotspot package with an image of {@code size} random bytes. */
    Path hotspotPackage(String version, int size) throws Exception {
        return pack("hs920s-" + version + ".fgp", version, "HS920S", "at-ymodem", size, true);
    }

    Path pack(String fileName, String version, String model, String plugin, int size, boolean sign) throws Exception {
        Path image = Files.createDirectories(dir.resolve("images")).resolve(fileName + ".bin");
        byte[] bytes = new byte[size];
        new Random(fileName.hashCode()).nextBytes(bytes);
        Files.write(image, bytes);
        Path out = Files.createDirectories(dir.resolve("packages")).resolve(fileName);
        builder.pack(new PackRequest(null, Map.of("vendor", "Test", "version", version, "versionCode",
                (long) Math.abs(version.hashCode() % 100000), "target.plugin", plugin, "target.models", List.of(model)),
                List.of(new PackRequest.Source(image, "images/firmware.bin", "image")), out, false));
        if (sign) {
            signer.sign(out, vendor);
        }
        return out;
    }

    /** A copy of the repository folder as it is now (for replaying it later). */
    Path copy(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (var files = Files.walk(repo)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(repo.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return copy;
    }

    static <T> T service(Class<T> type) throws InterruptedException {
        BundleContext context = FrameworkUtil.getBundle(RepositoryFixture.class).getBundleContext();
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(20));
        if (service == null) {
            throw new IllegalStateException(type.getSimpleName() + " was not registered");
        }
        return service;
    }
}
