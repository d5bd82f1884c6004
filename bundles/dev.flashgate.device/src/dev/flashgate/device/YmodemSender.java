package dev.flashgate.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongConsumer;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The sending side of a YMODEM batch of one file, as lrzsz {@code sb} speaks it: waits for the
 * receiver's {@code C}, sends block 0 (name, size), 1 KiB {@code STX} blocks (a short tail as a
 * 128-byte {@code SOH} block, padded with {@code 0x1A}) with CRC-16, retransmits on NAK or
 * silence, ends with {@code EOT} and the empty block 0. The receiver's {@code CAN CAN} aborts with
 * {@code DEVICE_NAK}; a receiver that stops answering is {@code DEVICE_STALLED}.
 */
public final class YmodemSender {

    public static final byte SOH = 0x01;
    public static final byte STX = 0x02;
    public static final byte EOT = 0x04;
    public static final byte ACK = 0x06;
    public static final byte NAK = 0x15;
    public static final byte CAN = 0x18;
    public static final byte CRC_MODE = 'C';
    private static final byte PAD = 0x1A;

    /** How often waits look at {@link #cancel()}. */
    private static final Duration POLL = Duration.ofMillis(100);
    /** After a cancel, how long the receiver must stay silent before the sender stops answering it with CANs. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(1);

    private final SerialLink link;
    private final Duration timeout;
    private final int retries;
    private volatile boolean cancelled;

    /** {@code timeout} is how long to wait for each answer; {@code retries} how often to resend a block. */
    public YmodemSender(SerialLink link, Duration timeout, int retries) {
        this.link = link;
        this.timeout = timeout;
        this.retries = retries;
    }

    /** Asks a running {@link #send} to stop: it cancels the transfer with the receiver and fails. */
    public void cancel() {
        cancelled = true;
    }

    /** Sends {@code size} bytes from {@code data} as {@code name}; {@code progress} gets the bytes acknowledged so far. */
    public void send(String name, long size, InputStream data, LongConsumer progress) throws FlashgateException {
        awaitInvite();
        byte[] header = new byte[128];
        byte[] meta = (name + "\0" + size + " 0 100644").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(meta, 0, header, 0, Math.min(meta.length, 127));
        sendBlock(SOH, 0, header, header.length);
        awaitInvite();
        byte[] block = new byte[1024];
        long sent = 0;
        int seq = 1;
        try {
            while (sent < size) {
                int want = (int) Math.min(block.length, size - sent);
                int n = data.readNBytes(block, 0, want);
                if (n < want) {
                    throw new FlashgateException(ErrorCode.INTERNAL, name + " ended after " + (sent + n) + " of " + size + " bytes");
                }
                boolean small = n <= 128;
                int length = small ? 128 : 1024;
                java.util.Arrays.fill(block, n, length, PAD);
                sendBlock(small ? SOH : STX, seq, block, length);
                sent += n;
                seq = (seq + 1) & 0xFF;
                progress.accept(sent);
            }
        } catch (IOException e) {
            abort();
            if (e.getCause() instanceof FlashgateException fe) {
                throw fe; // the source knows what went wrong, e.g. a package file that changed after verification
            }
            throw new FlashgateException(ErrorCode.INTERNAL, "cannot read " + name + ": " + e.getMessage(), e);
        }
        endOfFile();
        awaitInvite();
        sendBlock(SOH, 0, new byte[128], 128);
    }

    private void endOfFile() throws FlashgateException {
        for (int attempt = 0; attempt <= retries; attempt++) {
            link.write(new byte[] {EOT});
            int answer = answer();
            if (answer == ACK) {
                return;
            }
            if (answer == CAN) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, link.name() + ": the receiver cancelled at the end of the file");
            }
        }
        abort();
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": the receiver never acknowledged the end of the file");
    }

    private void sendBlock(byte kind, int seq, byte[] data, int length) throws FlashgateException {
        byte[] packet = new byte[3 + length + 2];
        packet[0] = kind;
        packet[1] = (byte) seq;
        packet[2] = (byte) ~seq;
        System.arraycopy(data, 0, packet, 3, length);
        int crc = crc16(data, 0, length);
        packet[3 + length] = (byte) (crc >>> 8);
        packet[4 + length] = (byte) crc;
        for (int attempt = 0; attempt <= retries; attempt++) {
            checkCancelled();
            link.write(packet);
            int answer = answer();
            if (answer == ACK) {
                return;
            }
            if (answer == CAN) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, link.name() + ": the receiver cancelled the transfer");
            }
        }
        abort();
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": block " + seq + " was not acknowledged after "
                + retries + " retries");
    }

    /** The receiver's next control byte (ACK, NAK, CAN), or -1 after the timeout; a single CAN is noise. */
    private int answer() throws FlashgateException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] one = new byte[1];
        boolean sawCan = false;
        while (System.nanoTime() < deadline) {
            checkCancelled();
            long slice = Math.min(deadline - System.nanoTime(), POLL.toNanos());
            if (link.read(one, 0, 1, Duration.ofNanos(Math.max(1, slice))) == 0) {
                continue;
            }
            switch (one[0]) {
                case ACK, NAK -> {
                    return one[0];
                }
                case CAN -> {
                    if (sawCan) {
                        return CAN;
                    }
                    sawCan = true;
                }
                default -> sawCan = false; // a stray C or line noise
            }
        }
        return -1;
    }

    private void checkCancelled() throws FlashgateException {
        if (cancelled) {
            abort();
            throw new FlashgateException(ErrorCode.DEVICE_NAK, link.name() + ": transfer cancelled");
        }
    }

    private void awaitInvite() throws FlashgateException {
        long deadline = System.nanoTime() + timeout.multipliedBy(retries + 1L).toNanos();
        byte[] one = new byte[1];
        while (System.nanoTime() < deadline) {
            checkCancelled();
            if (link.read(one, 0, 1, POLL) == 1 && one[0] == CRC_MODE) {
                return;
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": the receiver did not ask for data (no 'C')");
    }

    /**
     * Cancels with the receiver. CANs that arrive in the middle of a block are taken for block data,
     * so, as lrzsz does, the sender keeps answering a receiver that still asks for data (NAK, C) with
     * CANs until it stops asking.
     */
    private void abort() throws FlashgateException {
        cancelReceiver(link, ABORT_GRACE);
    }

    /**
     * Brings a receiver that may still be inside a transfer (one whose sender went away) back out of
     * it: CANs, repeated whenever it asks for data again, until it has been quiet for {@code quiet}
     * (a receiver waiting for the rest of a block asks again only after its block timeout).
     */
    public static void cancelReceiver(SerialLink link, Duration quiet) throws FlashgateException {
        byte[] cancel = {CAN, CAN, CAN, CAN, CAN};
        link.write(cancel);
        long giveUp = System.nanoTime() + quiet.multipliedBy(5).toNanos();
        long quietUntil = System.nanoTime() + quiet.toNanos();
        byte[] any = new byte[64];
        while (System.nanoTime() < Math.min(quietUntil, giveUp)) {
            int n = link.read(any, 0, any.length, POLL);
            for (int i = 0; i < n; i++) {
                // only a receiver still asking for data gets more CANs: echoes and text do not
                if (any[i] == NAK || any[i] == CRC_MODE) {
                    link.write(cancel);
                    quietUntil = System.nanoTime() + quiet.toNanos();
                    break;
                }
            }
        }
    }

    /** CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection; a byte at a time from a table. */
    public static int crc16(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 8) ^ data[i]) & 0xFF];
        }
        return crc & 0xFFFF;
    }

    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            int crc = b << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            CRC_TABLE[b] = crc & 0xFFFF;
        }
    }
}
