package dev.flashgate.device.internal;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.Hdlc;

/**
 * Reads the IMEI from a Qualcomm DIAG port (NV item 550), so a DIAG port can be put on the same
 * device as its AT port even when nothing else ties the two together.
 */
final class DiagProbe {

    private static final int NV_READ = 0x26;
    private static final int NV_IMEI = 550;

    private DiagProbe() {
    }

    /** The IMEI, or {@code null} when the port does not answer the NV read as DIAG would. */
    static String imei(SerialLink link, Duration timeout) throws FlashgateException {
        byte[] request = new byte[1 + 2 + 128 + 2];
        request[0] = NV_READ;
        request[1] = (byte) NV_IMEI;
        request[2] = (byte) (NV_IMEI >>> 8);
        link.discardInput();
        link.write(Hdlc.encode(request));
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (System.nanoTime() < deadline) {
            if (link.read(one, 0, 1, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) == 0) {
                continue;
            }
            if ((one[0] & 0xFF) != Hdlc.FLAG) {
                frame.write(one[0]);
                continue;
            }
            byte[] payload = Hdlc.decode(frame.toByteArray(), frame.size());
            frame.reset();
            if (payload != null && payload.length >= 1 + 2 + 128 + 2 && (payload[0] & 0xFF) == NV_READ
                    && ((payload[1] & 0xFF) | (payload[2] & 0xFF) << 8) == NV_IMEI && payload[131] == 0 && payload[132] == 0) {
                return fromBcd(payload, 3);
            }
        }
        return null;
    }

    /** Length byte 8, then the digits nibble-swapped, the first nibble being the IMEI type (0xA). */
    static String fromBcd(byte[] data, int at) {
        if (data[at] != 8 || (data[at + 1] & 0x0F) != 0xA) {
            return null;
        }
        StringBuilder digits = new StringBuilder().append((data[at + 1] & 0xF0) >> 4);
        for (int i = at + 2; i < at + 9; i++) {
            digits.append(data[i] & 0x0F).append((data[i] & 0xF0) >> 4);
        }
        return digits.toString().matches("\\d{15}") ? digits.toString() : null;
    }
}
