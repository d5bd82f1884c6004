package dev.flashgate.device;

import java.io.ByteArrayOutputStream;

/**
 * The HDLC-like framing of Qualcomm's DIAG (QCDM) protocol: payload, CRC-16/X.25 little-endian,
 * {@code 0x7D} escapes of {@code 0x7E} and {@code 0x7D} (XOR {@code 0x20}), and a closing
 * {@code 0x7E} flag.
 */
public final class Hdlc {

    public static final int FLAG = 0x7E;
    public static final int ESCAPE = 0x7D;

    private Hdlc() {
    }

    /** CRC-16/X.25 (reflected 0x1021, init and final XOR 0xFFFF). */
    public static int crc(byte[] data, int offset, int length) {
        int crc = 0xFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= data[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
            }
        }
        return ~crc & 0xFFFF;
    }

    public static byte[] encode(byte[] payload) {
        int crc = crc(payload, 0, payload.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 8);
        for (byte b : payload) {
            escape(out, b);
        }
        escape(out, (byte) crc);
        escape(out, (byte) (crc >>> 8));
        out.write(FLAG);
        return out.toByteArray();
    }

    private static void escape(ByteArrayOutputStream out, byte b) {
        if ((b & 0xFF) == FLAG || (b & 0xFF) == ESCAPE) {
            out.write(ESCAPE);
            out.write(b ^ 0x20);
        } else {
            out.write(b);
        }
    }

    /**
     * Decodes one frame's bytes (without the closing flag): unescapes and checks the CRC.
     * Returns the payload, or {@code null} when the frame is damaged.
     */
    public static byte[] decode(byte[] frame, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        for (int i = 0; i < length; i++) {
            int b = frame[i] & 0xFF;
            if (b == ESCAPE) {
                if (++i >= length) {
                    return null;
                }
                b = (frame[i] & 0xFF) ^ 0x20;
            }
            out.write(b);
        }
        byte[] raw = out.toByteArray();
        if (raw.length < 3) {
            return null;
        }
        int crc = (raw[raw.length - 2] & 0xFF) | (raw[raw.length - 1] & 0xFF) << 8;
        if (crc(raw, 0, raw.length - 2) != crc) {
            return null;
        }
        byte[] payload = new byte[raw.length - 2];
        System.arraycopy(raw, 0, payload, 0, payload.length);
        return payload;
    }
}
