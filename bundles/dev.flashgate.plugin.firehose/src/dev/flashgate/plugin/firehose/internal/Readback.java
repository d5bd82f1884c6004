package dev.flashgate.plugin.firehose.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a programmed range must read back as: the SHA-256 of its image followed by the zeros that
 * fill the range's last sectors, as {@code getsha256digest} of the range reports it.
 */
final class Readback {

    private static final int BUFFER = 1 << 20;

    private Readback() {
    }

    /** The digest of {@code size} bytes of {@code image} padded with zeros to {@code rangeBytes}. */
    static String digest(InputStream image, long size, long rangeBytes) throws IOException {
        if (size > rangeBytes) {
            throw new IllegalArgumentException(size + " bytes do not fit a range of " + rangeBytes);
        }
        MessageDigest sha = FirehoseHost.sha256();
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, rangeBytes))];
        for (long left = size; left > 0;) {
            int n = image.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
            if (n == 0) {
                throw new IOException("the image ended after " + (size - left) + " of " + size + " bytes");
            }
            sha.update(buffer, 0, n);
            left -= n;
        }
        Arrays.fill(buffer, (byte) 0);
        for (long left = rangeBytes - size; left > 0; left -= buffer.length) {
            sha.update(buffer, 0, (int) Math.min(buffer.length, left));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
