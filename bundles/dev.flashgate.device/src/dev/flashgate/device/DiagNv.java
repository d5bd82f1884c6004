package dev.flashgate.device;

import java.io.ByteArrayOutputStream;
import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The IMEI as a Qualcomm modem's DIAG port gives it: NV item 550 read with {@code NV_READ_F}
 * ({@code 0x26}: item, 128 data bytes, status). Its data is a length byte 8, then the 15 digits
 * nibble-swapped after the IMEI type nibble {@code 0xA}. A modem whose EFS lost the item answers
 * with status 5 (not active): it has no IMEI.
 */
public final class DiagNv {

    public static final int NV_READ = 0x26;
    public static final int NV_IMEI = 550;
    public static final int STATUS_DONE = 0;
    public static final int STATUS_NOT_ACTIVE = 5;
    private static final int ITEM_BYTES = 128;

    private DiagNv() {
    }

    /** What NV item 550 said: {@code imei} when the item is active and holds one, else {@code null}. */
    public record ImeiItem(int status, String imei) {
    }

    /** Reads NV item 550; {@code null} when the port does not answer the read as DIAG would within {@code timeout}. */
    public static ImeiItem readImei(SerialLink link, Duration timeout) throws FlashgateException {
        byte[] request = new byte[1 + 2 + ITEM_BYTES + 2];
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
            if (payload != null && payload.length >= 1 + 2 + ITEM_BYTES + 2 && (payload[0] & 0xFF) == NV_READ
                    && ((payload[1] & 0xFF) | (payload[2] & 0xFF) << 8) == NV_IMEI) {
                int status = (payload[3 + ITEM_BYTES] & 0xFF) | (payload[4 + ITEM_BYTES] & 0xFF) << 8;
                return new ImeiItem(status, status == STATUS_DONE ? fromBcd(payload, 3) : null);
            }
        }
        return null;
    }

    /** The IMEI in an item's data at {@code at}, or {@code null} when it holds none. */
    public static String fromBcd(byte[] data, int at) {
        if (data.length < at + 9 || data[at] != 8 || (data[at + 1] & 0x0F) != 0xA) {
            return null;
        }
        StringBuilder digits = new StringBuilder().append((data[at + 1] & 0xF0) >> 4);
        for (int i = at + 2; i < at + 9; i++) {
            digits.append(data[i] & 0x0F).append((data[i] & 0xF0) >> 4);
        }
        return digits.toString().matches("\\d{15}") ? digits.toString() : null;
    }

    /** Item 550's data for {@code imei} (15 digits). */
    public static byte[] toBcd(String imei) {
        byte[] out = new byte[9];
        out[0] = 8;
        out[1] = (byte) ((imei.charAt(0) - '0') << 4 | 0xA);
        for (int i = 1, o = 2; i < 15; i += 2, o++) {
            out[o] = (byte) ((imei.charAt(i + 1) - '0') << 4 | (imei.charAt(i) - '0'));
        }
        return out;
    }
}
