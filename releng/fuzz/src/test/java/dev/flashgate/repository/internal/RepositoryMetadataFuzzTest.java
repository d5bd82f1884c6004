package dev.flashgate.repository.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.Role;
import dev.flashgate.fuzz.HangGuard;

/**
 * Coverage-guided fuzzing of what a repository (or whoever sits in the middle) sends a station:
 * the first input byte picks the role whose file the rest of the input replaces in a valid
 * repository (0 a new root version, 1 targets, 2 snapshot, 3 timestamp), then the station's
 * client updates from it, starting from the pinned root each time. Properties: only typed
 * repository errors escape, nothing hangs, and whatever the client accepts it can read back.
 */
class RepositoryMetadataFuzzTest {

    private static final Path REPOSITORY = repository();
    private static final byte[] ROOT = read("metadata/1.root.json");
    private static final Path STATION = temp("fuzz-station");
    private static final HangGuard GUARD = new HangGuard("fuzz-repository", 10);

    @FuzzTest(maxDuration = "15s")
    void metadata(FuzzedDataProvider data) throws Exception {
        byte[] raw = data.consumeRemainingAsBytes();
        Role role = Role.values()[raw.length == 0 ? 0 : (raw[0] & 0xFF) % 4];
        byte[] file = raw.length == 0 ? raw : Arrays.copyOfRange(raw, 1, raw.length);
        String path = switch (role) {
            case ROOT -> "metadata/2.root.json";
            case TARGETS -> "metadata/1.targets.json";
            case SNAPSHOT -> "metadata/1.snapshot.json";
            case TIMESTAMP -> "metadata/timestamp.json";
        };
        GUARD.run(role + " on a " + file.length + "-byte input", () -> {
            update(path, file);
            return null;
        });
    }

    private static void update(String fuzzed, byte[] file) throws IOException {
        for (Role role : Role.values()) {
            Files.deleteIfExists(STATION.resolve(role.id() + ".json"));
        }
        TufClient client = new TufClient(new TrustedMetadata(STATION), Limits.DEFAULT, Clock.systemUTC());
        try {
            client.pin(ROOT);
            Source source = new Source() {
                @Override
                public InputStream open(String path) throws IOException {
                    return path.equals(fuzzed) ? new ByteArrayInputStream(file) : Source.folder(REPOSITORY).open(path);
                }

                @Override
                public String describe() {
                    return "fuzzed repository";
                }
            };
            TufClient.State state = client.update(source);
            TufClient.State again = client.current();
            if (state.targets().version() != again.targets().version() || state.root().version() != again.root().version()) {
                throw new AssertionError("the client cannot read back what it accepted");
            }
        } catch (FlashgateException e) {
            if (!e.code().name().startsWith("REPO_")) {
                throw new AssertionError("untyped failure " + e.code() + ": " + e.detail(), e);
            }
        }
    }

    private static Path repository() {
        Path dir = temp("fuzz-repository");
        try {
            new RepositoryTool(null, Clock.systemUTC()).init(dir.resolve("repo"), dir.resolve("keys"), Map.of());
        } catch (FlashgateException e) {
            throw new IllegalStateException(e);
        }
        return dir.resolve("repo");
    }

    private static byte[] read(String path) {
        try {
            return Files.readAllBytes(REPOSITORY.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temp(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
