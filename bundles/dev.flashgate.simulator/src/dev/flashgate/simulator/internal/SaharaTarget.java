package dev.flashgate.simulator.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The boot ROM side of Sahara in emergency download: HELLO (repeated each second until answered),
 * READ_DATA (or READ_DATA_64) requests for the programmer, image id 13, END_OF_IMAGE_TX with status
 * 0 only if the programmer's SHA-256 is one the "OEM" signed, then DONE/DONE_RESP, after which
 * the programmer runs. RESET restarts the boot ROM. All integers little-endian u32, every packet
 * {@code command, length, ...}.
 */
final class SaharaTarget {

    static final int HELLO = 0x01;
    static final int HELLO_RESP = 0x02;
    static final int READ_DATA = 0x03;
    static final int END_OF_IMAGE_TX = 0x04;
    static final int DONE = 0x05;
    static final int DONE_RESP = 0x06;
    static final int RESET = 0x07;
    static final int RESET_RESP = 0x08;
    static final int READ_DATA_64 = 0x12;
    static final int PROGRAMMER_IMAGE = 13;
    /** Non-zero END_OF_IMAGE_TX status: the image failed authentication. */
    static final int STATUS_AUTH_FAILED = 0x0D;
    static final int STATUS_INVALID_IMAGE = 0x12;
    static final int MAX_PACKET = 0x400;
    static final int CHUNK = 0x1000;

    /** How a session ended. */
    enum Outcome {
        /** The programmer was accepted and now runs. */
        PROGRAMMER_RUNNING,
        /** The host asked for a reset: the boot ROM starts over. */
        RESET
    }

    private final SerialLink link;
    private final Set<String> signedProgrammers;
    private final boolean use64BitReads;

    SaharaTarget(SerialLink link, Set<String> signedProgrammers, boolean use64BitReads) {
        this.link = link;
        this.signedProgrammers = signedProgrammers;
        this.use64BitReads = use64BitReads;
    }

    Outcome run() throws FlashgateException {
        while (true) {
            ByteBuffer resp = awaitHello();
            if (resp == null) {
                continue;
            }
            byte[] programmer = download();
            if (programmer == null) {
                packet(END_OF_IMAGE_TX, PROGRAMMER_IMAGE, STATUS_INVALID_IMAGE);
                if (awaitResetOrDone() == RESET) {
                    return Outcome.RESET;
                }
                continue;
            }
            boolean signed = signedProgrammers.contains(sha256(programmer));
            packet(END_OF_IMAGE_TX, PROGRAMMER_IMAGE, signed ? 0 : STATUS_AUTH_FAILED);
            int next = awaitResetOrDone();
            if (next == RESET) {
                return Outcome.RESET;
            }
            if (signed) {
                packet(DONE_RESP, 1);
                return Outcome.PROGRAMMER_RUNNING;
            }
            packet(DONE_RESP, 0);
        }
    }

    /** Sends HELLO each second until a well-formed HELLO_RESP comes back. */
    private ByteBuffer awaitHello() throws FlashgateException {
        while (true) {
            packet(HELLO, 2, 1, MAX_PACKET, 0, 0, 0, 0, 0, 0, 0);
            ByteBuffer p = readPacket(Duration.ofSeconds(1));
            if (p != null && p.getInt(0) == HELLO_RESP && p.getInt(4) == 0x30 && p.getInt(16) == 0) {
                return p;
            }
        }
    }

    /** Asks for the programmer's header, then the rest; null if the host sent something unusable. */
    private byte[] download() throws FlashgateException {
        byte[] head = request(0, 64);
        if (head == null) {
            return null;
        }
        String line = new String(head, StandardCharsets.US_ASCII);
        int end = line.indexOf('\n');
        String[] parts = end < 0 ? new String[0] : line.substring(0, end).split(" ");
        long size;
        try {
            size = parts.length == 3 && parts[0].equals("FGSIMPROG") ? Long.parseLong(parts[2]) : -1;
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 64 || size > (16 << 20)) {
            return null;
        }
        byte[] image = new byte[(int) size];
        System.arraycopy(head, 0, image, 0, 64);
        for (int offset = 64; offset < size; offset += CHUNK) {
            int length = (int) Math.min(CHUNK, size - offset);
            byte[] chunk = request(offset, length);
            if (chunk == null) {
                return null;
            }
            System.arraycopy(chunk, 0, image, offset, length);
        }
        return image;
    }

    private byte[] request(long offset, int length) throws FlashgateException {
        if (use64BitReads) {
            ByteBuffer b = header(READ_DATA_64, 0x20);
            b.putLong(PROGRAMMER_IMAGE).putLong(offset).putLong(length);
            link.write(b.array());
        } else {
            packet(READ_DATA, PROGRAMMER_IMAGE, (int) offset, length);
        }
        byte[] data = new byte[length];
        return link.readFully(data, 0, length, Duration.ofSeconds(10)) ? data : null;
    }

    private int awaitResetOrDone() throws FlashgateException {
        while (true) {
            ByteBuffer p = readPacket(Duration.ofSeconds(30));
            if (p == null) {
                return RESET;
            }
            int command = p.getInt(0);
            if (command == RESET) {
                packet(RESET_RESP);
                return RESET;
            }
            if (command == DONE) {
                return DONE;
            }
        }
    }

    /** One packet: a header of command and length (at least 8, at most MAX_PACKET), then the rest. */
    private ByteBuffer readPacket(Duration timeout) throws FlashgateException {
        byte[] head = new byte[8];
        if (!link.readFully(head, 0, 8, timeout)) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int length = h.getInt(4);
        if (length < 8 || length > MAX_PACKET) {
            link.discardInput();
            return null;
        }
        byte[] all = new byte[length];
        System.arraycopy(head, 0, all, 0, 8);
        if (!link.readFully(all, 8, length - 8, Duration.ofSeconds(1))) {
            return null;
        }
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void packet(int command, int... fields) throws FlashgateException {
        ByteBuffer b = header(command, 8 + 4 * fields.length);
        for (int f : fields) {
            b.putInt(f);
        }
        link.write(b.array());
    }

    private static ByteBuffer header(int command, int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN).putInt(command).putInt(length);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
