package dev.flashgate.repository.internal;

import static dev.flashgate.repository.internal.RepositoryTest.code;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.repository.Role;

/**
 * The attacks TUF is made against, each served by a hostile mirror on loopback: the station
 * refuses with its code and keeps exactly what it trusted before.
 */
class RepositoryAttackTest {

    @TempDir
    Path dir;

    private RepositoryFixture vendor;
    private Mirror mirror;
    private StationRepositories station;

    @BeforeEach
    void trustedOnce() throws Exception {
        vendor = new RepositoryFixture(dir, Map.of());
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.0.0", 64 * 1024)), null);
        mirror = new Mirror(vendor.repo);
        station = vendor.station(RepositoryFixture.FAST);
        station.add("vendor", mirror.uri(), vendor.repo.resolve("metadata/1.root.json"));
        assertEquals(2, station.update("vendor").targetsVersion());
    }

    @AfterEach
    void close() {
        mirror.close();
    }

    @Test
    void aReplayedOldStateIsARollback() throws Exception {
        Path old = vendor.copy("old-state");
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.1.0", 1000)), null);
        assertEquals(3, station.update("vendor").targetsVersion());

        mirror.serve(old); // the whole old repository, every file validly signed in its day
        assertEquals(ErrorCode.REPO_ROLLBACK, code(() -> station.update("vendor")));
        assertEquals(3, station.status("vendor").targetsVersion());
        assertEquals(2, station.targets("vendor").size());
    }

    @Test
    void anOldSnapshotUnderTheNewNameIsCaught() throws Exception {
        byte[] oldSnapshot = Files.readAllBytes(vendor.repo.resolve("metadata/2.snapshot.json"));
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.1.0", 1000)), null);
        mirror.swap("metadata/3.snapshot.json", oldSnapshot);
        assertEquals(ErrorCode.REPO_INCONSISTENT, code(() -> station.update("vendor")));
        assertEquals(2, station.status("vendor").targetsVersion());
    }

    @Test
    void mixAndMatchOfTargetsAndSnapshotIsCaught() throws Exception {
        byte[] oldTargets = Files.readAllBytes(vendor.repo.resolve("metadata/2.targets.json"));
        vendor.tool.add(vendor.repo, vendor.keys, List.of(vendor.hotspotPackage("1.1.0", 1000)), null);
        // the new snapshot and timestamp, with the old (validly signed) targets behind them
        mirror.swap("metadata/3.targets.json", oldTargets);
        assertEquals(ErrorCode.REPO_INCONSISTENT, code(() -> station.update("vendor")));
        assertEquals(1, station.targets("vendor").size());
    }

    @Test
    void anExpiredTimestampIsRefusedAndSoIsTheCacheOnceExpired() throws Exception {
        vendor.toolAgo(Duration.ofDays(2)).sign(vendor.repo, vendor.keys, Set.of(Role.TIMESTAMP), false, null);
        assertEquals(ErrorCode.REPO_EXPIRED, code(() -> station.update("vendor")));

        // the station's own clock moves past what it trusted: the cache is no longer good for anything
        StationRepositories later = new StationRepositories(vendor.station, RepositoryFixture.FAST,
                java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(2)));
        assertEquals(ErrorCode.REPO_EXPIRED, code(() -> later.targets("vendor")));
        assertEquals(ErrorCode.REPO_EXPIRED, code(() -> later.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
    }

    @Test
    void aRootUnderAnotherVersionsNameOrExpiredIsRefused() throws Exception {
        vendor.tool.sign(vendor.repo, vendor.keys, Set.of(Role.ROOT), false, null);
        vendor.tool.sign(vendor.repo, vendor.keys, Set.of(Role.ROOT), false, null);
        mirror.swap("metadata/2.root.json", Files.readAllBytes(vendor.repo.resolve("metadata/3.root.json")));
        assertEquals(ErrorCode.REPO_ROLLBACK, code(() -> station.update("vendor")), "a root must hold the version its name says");
        assertEquals(1, station.status("vendor").rootVersion());

        RepositoryFixture other = new RepositoryFixture(dir.resolve("other"), Map.of());
        other.toolAgo(Duration.ofDays(400)).sign(other.repo, other.keys, Set.of(Role.ROOT), false, null);
        StationRepositories late = new StationRepositories(dir.resolve("late"), RepositoryFixture.FAST, java.time.Clock.systemUTC());
        try (Mirror otherMirror = new Mirror(other.repo)) {
            late.add("other", otherMirror.uri(), other.repo.resolve("metadata/1.root.json"));
            assertEquals(ErrorCode.REPO_EXPIRED, code(() -> late.update("other")), "the newest root expired");
        }
    }

    @Test
    void metadataSignedByAnUnknownKeyOrEditedIsRefused() throws Exception {
        RepositoryFixture intruder = new RepositoryFixture(dir.resolve("intruder"), Map.of());
        mirror.swap("metadata/timestamp.json", Files.readAllBytes(intruder.repo.resolve("metadata/timestamp.json")));
        assertEquals(ErrorCode.REPO_SIGNATURE, code(() -> station.update("vendor")));

        String targets = Files.readString(vendor.repo.resolve("metadata/2.targets.json"), StandardCharsets.UTF_8);
        mirror.swap("metadata/timestamp.json", Files.readAllBytes(vendor.repo.resolve("metadata/timestamp.json")));
        mirror.swap("metadata/2.targets.json", targets.replace("\"1.0.0\"", "\"9.9.9\"").getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.REPO_SIGNATURE, code(() -> station.update("vendor")));

        mirror.swap("metadata/2.targets.json", "{\"signed\": {\"_type\": \"targets\"".getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.REPO_METADATA_INVALID, code(() -> station.update("vendor")));
        assertEquals("1.0.0", station.targets("vendor").get(0).firmwareVersion());
    }

    @Test
    void aSlowDownloadIsStoppedAndLeavesNothing() throws Exception {
        mirror.targets(Mirror.Behaviour.DRIP);
        long started = System.nanoTime();
        assertEquals(ErrorCode.REPO_DOWNLOAD_STALLED, code(() -> station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "the slow mirror held the station");
        assertNothingCached();

        mirror.targets(Mirror.Behaviour.SILENT);
        assertEquals(ErrorCode.REPO_DOWNLOAD_STALLED, code(() -> station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertNothingCached();
    }

    @Test
    void aTruncatedOrEndlessDownloadLeavesNothing() throws Exception {
        mirror.targets(Mirror.Behaviour.TRUNCATE);
        assertEquals(ErrorCode.REPO_DOWNLOAD_TRUNCATED, code(() -> station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertNothingCached();

        mirror.targets(Mirror.Behaviour.ENDLESS);
        assertEquals(ErrorCode.REPO_DOWNLOAD_TOO_LONG, code(() -> station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertNothingCached();

        mirror.targets(Mirror.Behaviour.HONEST);
        assertTrue(Files.size(station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)) > 64 * 1024);
    }

    @Test
    void aSwappedPackageIsRefused() throws Exception {
        RepositoryFixture other = new RepositoryFixture(dir.resolve("other"), Map.of());
        byte[] evil = Files.readAllBytes(other.hotspotPackage("1.0.0", 64 * 1024));
        String path = "targets/" + station.targets("vendor").get(0).sha256() + ".hs920s-1.0.0.fgp";
        byte[] original = Files.readAllBytes(vendor.repo.resolve(path));
        byte[] sameLength = java.util.Arrays.copyOf(evil, original.length);
        mirror.swap(path, sameLength);
        assertEquals(ErrorCode.REPO_TARGET_MISMATCH, code(() -> station.fetch("vendor", "hs920s-1.0.0.fgp", ProgressListener.NONE)));
        assertNothingCached();
    }

    @Test
    void anEndlessTimestampIsCutOff() throws Exception {
        mirror.swap("metadata/timestamp.json", new byte[64 * 1024]);
        assertEquals(ErrorCode.REPO_DOWNLOAD_TOO_LONG, code(() -> station.update("vendor")));
    }

    private void assertNothingCached() throws Exception {
        Path targets = vendor.station.resolve("vendor/targets");
        if (Files.exists(targets)) {
            try (var files = Files.list(targets)) {
                assertEquals(List.of(), files.toList());
            }
        }
    }
}
