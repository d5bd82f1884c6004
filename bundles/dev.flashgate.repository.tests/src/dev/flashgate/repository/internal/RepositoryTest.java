package dev.flashgate.repository.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.repository.RepositoryPublisher;
import dev.flashgate.core.repository.RepositoryStatus;
import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.Role;

/** The tool builds and signs a repository; a station follows it over HTTP, from a copy, and offline. */
class RepositoryTest {

    @TempDir
    Path dir;

    @Test
    void aStationFetchesWhatTheRepositorySignsFor() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        Path v1 = vendor.hotspotPackage("1.0.0", 40_000);
        List<RepositoryTarget> added = vendor.tool.add(vendor.repo, vendor.keys, List.of(v1), vendor.anchors);
        assertEquals("HS920S", added.get(0).models().get(0));

        try (RepositoryPublisher.Server server = vendor.tool.serve(vendor.repo, loopback())) {
            StationRepositories station = vendor.station(RepositoryFixture.FAST);
            station.add("vendor", server.uri(), vendor.repo.resolve("metadata/1.root.json"));
            RepositoryStatus status = station.update("vendor");
            assertEquals(1, status.rootVersion());
            assertEquals(2, status.targetsVersion()); // version 1 is the empty one init signs
            assertEquals(1, status.targets());

            RepositoryTarget target = station.targets("vendor").get(0);
            assertEquals("hs920s-1.0.0.fgp", target.name());
            assertEquals("1.0.0", target.firmwareVersion());
            assertEquals("at-ymodem", target.plugin());
            assertTrue(target.isFor("hs920s"));
            Path fetched = station.fetch("vendor", target.name(), ProgressListener.NONE);
            assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(fetched));

            Path v2 = vendor.hotspotPackage("1.1.0", 50_000);
            vendor.tool.add(vendor.repo, vendor.keys, List.of(v2), null);
            assertEquals(3, station.update("vendor").targetsVersion());
            assertEquals(2, station.targets("vendor").size());
        }
        // offline: the server is gone; what was verified stays usable, what was fetched is served from the cache
        StationRepositories station = vendor.station(RepositoryFixture.FAST);
        assertEquals(ErrorCode.REPO_UNREACHABLE, code(() -> station.update("vendor")));
        assertEquals(2, station.targets("vendor").size());
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertEquals(ErrorCode.REPO_UNREACHABLE, code(() -> station.fetch("vendor", "hs920s-1.1.0.fgp", ProgressListener.NONE)));
        assertEquals(ErrorCode.REPO_TARGET_UNKNOWN, code(() -> station.fetch("vendor", "other.fgp", ProgressListener.NONE)));
    }

    @Test
    void anAirGappedStationImportsACopyWithTheSameChecks() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        Path v1 = vendor.hotspotPackage("1.0.0", 30_000);
        vendor.tool.add(vendor.repo, vendor.keys, List.of(v1), vendor.anchors);
        Path stick = vendor.copy("usb-stick");

        StationRepositories station = vendor.station(RepositoryFixture.FAST);
        station.add("vendor", URI.create("http://127.0.0.1:9/unreachable/"), vendor.repo.resolve("metadata/root.json"));
        RepositoryStatus status = station.importFrom("vendor", stick);
        assertEquals(1, status.targets());
        // everything came from the stick: fetching needs no network
        assertArrayEquals(Files.readAllBytes(v1), Files.readAllBytes(station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));

        // a stick with a package swapped for other bytes imports nothing of it
        Path target = Files.list(stick.resolve("targets")).findFirst().orElseThrow();
        byte[] tampered = Files.readAllBytes(target);
        tampered[tampered.length / 2] ^= 1;
        Files.write(target, tampered);
        Files.delete(vendor.station.resolve("vendor/targets/hs920s-1.0.0.fgp"));
        assertEquals(ErrorCode.REPO_TARGET_MISMATCH, code(() -> station.importFrom("vendor", stick)));
        assertFalse(Files.exists(vendor.station.resolve("vendor/targets/hs920s-1.0.0.fgp")));
        try (var left = Files.list(vendor.station.resolve("vendor/targets"))) {
            assertEquals(0, left.count(), "no partial file is left behind");
        }
    }

    @Test
    void stationsFollowKeyRotationsThroughTheChainOfRoots() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.0.0", 10_000)), null);
        Path pinned = vendor.copy("pinned").resolve("metadata/1.root.json");
        try (RepositoryPublisher.Server server = vendor.tool.serve(vendor.repo, loopback())) {
            StationRepositories station = vendor.station(RepositoryFixture.FAST);
            station.add("vendor", server.uri(), pinned);
            station.update("vendor");

            vendor.tool.rotate(vendor.repo, vendor.keys, Role.TIMESTAMP);
            vendor.tool.rotate(vendor.repo, vendor.keys, Role.ROOT);
            vendor.tool.rotate(vendor.repo, vendor.keys, Role.TARGETS);
            RepositoryStatus status = station.update("vendor");
            assertEquals(4, status.rootVersion());
            assertEquals(1, status.targets());

            // a station set up only now, pinned to root 1, walks the same chain
            StationRepositories late = new StationRepositories(dir.resolve("late"), RepositoryFixture.FAST, java.time.Clock.systemUTC());
            late.add("vendor", server.uri(), pinned);
            assertEquals(4, late.update("vendor").rootVersion());
        }
    }

    @Test
    void aRootNotSignedByItsPredecessorIsRefused() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        Path pinned = vendor.copy("pinned").resolve("metadata/1.root.json");
        // someone with a fresh key folder builds a repository of their own and slips its root in as version 2
        RepositoryFixture intruder = new RepositoryFixture(dir.resolve("intruder"), Map.of());
        intruder.tool.sign(intruder.repo, intruder.keys, Set.of(Role.ROOT), false, null);
        Files.copy(intruder.repo.resolve("metadata/2.root.json"), vendor.repo.resolve("metadata/2.root.json"));
        try (RepositoryPublisher.Server server = vendor.tool.serve(vendor.repo, loopback())) {
            StationRepositories station = vendor.station(RepositoryFixture.FAST);
            station.add("vendor", server.uri(), pinned);
            assertEquals(ErrorCode.REPO_SIGNATURE, code(() -> station.update("vendor")));
            assertEquals(1, station.status("vendor").rootVersion());
        }
    }

    @Test
    void aThresholdOfTwoNeedsBothKeyHolders() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of(Role.TARGETS, 2));
        // the second targets key lives with someone else
        RootMetadata root = RootMetadata.of(Signed.parse(Files.readAllBytes(vendor.repo.resolve("metadata/root.json")), Role.ROOT));
        String second = root.roles().get(Role.TARGETS).keyIds().stream().sorted().toList().get(1);
        Path other = Files.createDirectories(dir.resolve("other-keys/targets"));
        Files.move(vendor.keys.resolve("targets/" + second + ".pem"), other.resolve(second + ".pem"));
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.0.0", 10_000)), null);
        try (RepositoryPublisher.Server server = vendor.tool.serve(vendor.repo, loopback())) {
            StationRepositories station = vendor.station(RepositoryFixture.FAST);
            station.add("vendor", server.uri(), vendor.repo.resolve("metadata/1.root.json"));
            assertEquals(ErrorCode.REPO_SIGNATURE, code(() -> station.update("vendor")));

            vendor.tool.sign(vendor.repo, dir.resolve("other-keys"), Set.of(Role.TARGETS), true, null);
            assertEquals(1, station.update("vendor").targets());
        }
    }

    @Test
    void unsignedOrBrokenPackagesNeverEnterTheRepository() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        Path unsigned = vendor.pack("unsigned.fgp", "1.0.0", "HS920S", "at-ymodem", 1000, false);
        assertEquals(ErrorCode.SIG_MISSING, code(() -> vendor.tool.add(vendor.repo, vendor.keys, List.of(unsigned), null)));
        Path garbage = Files.write(dir.resolve("garbage.fgp"), new byte[] {1, 2, 3});
        assertEquals(ErrorCode.PKG_NOT_ZIP, code(() -> vendor.tool.add(vendor.repo, vendor.keys, List.of(garbage), null)));
        assertTrue(Files.notExists(vendor.repo.resolve("metadata/2.targets.json")));
    }

    @Test
    void namesAndRepositoriesAreChecked() throws Exception {
        RepositoryFixture vendor = new RepositoryFixture(dir, Map.of());
        StationRepositories station = vendor.station(RepositoryFixture.FAST);
        Path root = vendor.repo.resolve("metadata/root.json");
        assertEquals(ErrorCode.USAGE, code(() -> station.add("../evil", URI.create("http://127.0.0.1/"), root)));
        assertEquals(ErrorCode.USAGE, code(() -> station.add("ftp", URI.create("ftp://127.0.0.1/"), root)));
        station.add("vendor", URI.create("http://127.0.0.1:9/"), root);
        assertEquals(ErrorCode.REPO_EXISTS, code(() -> station.add("vendor", URI.create("http://127.0.0.1:9/"), root)));
        assertEquals(ErrorCode.REPO_TARGET_UNKNOWN, code(() -> station.targets("vendor")));
        station.remove("vendor");
        assertEquals(ErrorCode.REPO_UNKNOWN, code(() -> station.targets("vendor")));
        assertEquals(List.of(), station.list());
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    interface Call {
        void run() throws Exception;
    }

    static ErrorCode code(Call call) {
        return assertThrows(FlashgateException.class, call::run).code();
    }
}
