package dev.flashgate.plugin.firehose.internal;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.device.MemoryLink;
import dev.flashgate.fuzz.HangGuard;

/**
 * Coverage-guided fuzzing of what the host reads from a device in emergency download, and of
 * vendor layouts. The first input byte picks the reader: 0 the Sahara host, 1 the Firehose host,
 * 2 the layout reader. The device's bytes come over an in-memory line whose far end then hangs
 * up. Properties: only typed device or layout errors escape, and nothing hangs.
 */
class DeviceInputFuzzTest {

    private static final byte[] PROGRAMMER = new byte[8192];
    private static final Set<ErrorCode> DEVICE_CODES = EnumSet.of(ErrorCode.DEVICE_NAK, ErrorCode.DEVICE_STALLED,
            ErrorCode.DEVICE_GONE);
    private static final HangGuard GUARD = new HangGuard("fuzz-device-input", 10);

    @FuzzTest(maxDuration = "20s")
    void deviceInput(FuzzedDataProvider data) throws Exception {
        int reader = data.consumeInt(0, 2);
        byte[] bytes = data.consumeRemainingAsBytes();
        GUARD.run("reader " + reader + " on a " + bytes.length + "-byte input", () -> {
            read(reader, bytes);
            return null;
        });
    }

    private static void read(int reader, byte[] bytes) throws Exception {
        if (reader == 2) {
            try {
                RawProgram.parse(bytes, "fuzzed.xml");
            } catch (FlashgateException e) {
                expect(e, EnumSet.of(ErrorCode.MANIFEST_INVALID));
            }
            return;
        }
        MemoryLink[] line = MemoryLink.pair("fuzzed");
        line[1].write(bytes);
        line[1].close();
        try {
            if (reader == 0) {
                new SaharaHost(line[0], Duration.ofMillis(50)).upload(PROGRAMMER, n -> { });
            } else {
                FirehoseHost host = new FirehoseHost(line[0], Duration.ofMillis(50), s -> { });
                host.configure(1 << 20);
                host.digest(new Range(0, 1, 2048));
            }
        } catch (FlashgateException e) {
            expect(e, DEVICE_CODES);
        } finally {
            line[0].close();
        }
    }

    private static void expect(FlashgateException e, Set<ErrorCode> codes) {
        if (!codes.contains(e.code())) {
            throw new AssertionError("unexpected " + e, e);
        }
    }
}
