package dev.flashgate.simulator.internal;

import static dev.flashgate.device.YmodemSender.ACK;
import static dev.flashgate.device.YmodemSender.CAN;
import static dev.flashgate.device.YmodemSender.CRC_MODE;
import static dev.flashgate.device.YmodemSender.EOT;
import static dev.flashgate.device.YmodemSender.NAK;
import static dev.flashgate.device.YmodemSender.SOH;
import static dev.flashgate.device.YmodemSender.STX;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.YmodemSender;

/**
 * The receiving side of a YMODEM batch as lrzsz {@code rb} speaks it: CRC-16 mode ({@code C}),
 * block 0 with name and size, 1 KiB ({@code STX}) or 128-byte ({@code SOH}) blocks, NAK and
 * retransmission on a bad block, ACK and drop of a duplicate, {@code EOT}/NAK/{@code EOT}/ACK,
 * and the empty block 0 that ends the batch. Two {@code CAN} in a row abort.
 */
final class YmodemReceiver {

    private static final int RETRIES = 10;
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(3);
    /** How often the receiver invites the sender with {@code C} until block 0 comes (lrzsz waits long for it). */
    private static final Duration INVITE_INTERVAL = Duration.ofSeconds(1);
    private static final int INVITES = 30;

    /** The transfer did not complete: the sender cancelled, or too many errors or silences. */
    static final class Aborted extends Exception {
        private static final long serialVersionUID = 1L;

        Aborted(String why) {
            super(why);
        }
    }

    /** What arrived: the name from block 0 and the exact byte count written to the sink. */
    record Received(String name, long size) {
    }

    private final SerialLink link;
    private final byte[] block = new byte[1024 + 4];

    YmodemReceiver(SerialLink link) {
        this.link = link;
    }

    /** Receives one file into {@code sink}, at most {@code limit} bytes. */
    Received receive(OutputStream sink, long limit) throws FlashgateException, Aborted, IOException {
        byte[] zero = awaitBlock(0, true);
        String[] fields = new String(zero, 0, zero.length, StandardCharsets.ISO_8859_1).split("\0", -1);
        String name = fields[0];
        String[] meta = fields.length > 1 ? fields[1].trim().split(" ") : new String[0];
        long size = meta.length > 0 && !meta[0].isEmpty() ? Long.parseLong(meta[0]) : -1;
        if (name.isEmpty() || size < 0 || size > limit) {
            cancel();
            throw new Aborted(name.isEmpty() ? "no file was sent" : "file of " + size + " bytes does not fit in " + limit);
        }
        link.write(new byte[] {ACK, CRC_MODE});
        long written = 0;
        int expected = 1;
        int errors = 0;
        while (true) {
            int first = readByte(BLOCK_TIMEOUT);
            if (first == EOT) {
                link.write(new byte[] {NAK});
                if (readByte(BLOCK_TIMEOUT) != EOT) {
                    throw new Aborted("no second EOT");
                }
                link.write(new byte[] {ACK, CRC_MODE});
                awaitBlock(0, false); // the empty block 0 that ends the batch
                link.write(new byte[] {ACK});
                if (written != size) {
                    throw new Aborted("received " + written + " bytes of " + size);
                }
                return new Received(name, size);
            }
            if (first == CAN) {
                if (readByte(Duration.ofSeconds(1)) == CAN) {
                    throw new Aborted("the sender cancelled");
                }
                continue;
            }
            int length = first == SOH || first == STX ? readBody(first == STX ? 1024 : 128) : -1;
            if (length < 0) {
                if (++errors > RETRIES) {
                    cancel();
                    throw new Aborted("too many bad or missing blocks");
                }
                drain();
                link.write(new byte[] {NAK});
                continue;
            }
            int seq = Byte.toUnsignedInt(block[0]);
            if (seq == ((expected - 1) & 0xFF)) {
                link.write(new byte[] {ACK}); // a retransmission of what we have: acknowledge, drop
                continue;
            }
            if (seq != (expected & 0xFF)) {
                cancel();
                throw new Aborted("block " + seq + " out of sequence, expected " + (expected & 0xFF));
            }
            int useful = (int) Math.min(length, size - written);
            sink.write(block, 2, useful);
            written += useful;
            expected++;
            errors = 0;
            link.write(new byte[] {ACK});
        }
    }

    /** Sends {@code C} until a valid block {@code number} arrives; returns its data. */
    private byte[] awaitBlock(int number, boolean invite) throws FlashgateException, Aborted {
        for (int attempt = 0; attempt < (invite ? INVITES : RETRIES); attempt++) {
            if (invite) {
                link.write(new byte[] {CRC_MODE});
            }
            int first = readByte(invite ? INVITE_INTERVAL : BLOCK_TIMEOUT);
            if (first == CAN && readByte(Duration.ofSeconds(1)) == CAN) {
                throw new Aborted("the sender cancelled");
            }
            if (first == SOH || first == STX) {
                int length = readBody(first == STX ? 1024 : 128);
                if (length >= 0 && Byte.toUnsignedInt(block[0]) == number) {
                    return java.util.Arrays.copyOfRange(block, 2, 2 + length);
                }
            }
            drain();
            if (!invite) {
                link.write(new byte[] {NAK});
            }
        }
        throw new Aborted("no block " + number);
    }

    /**
     * Reads seq, ~seq, data and CRC after the header byte into {@link #block} (the data from index 2);
     * returns the data's length, or -1 when any of it is wrong or missing.
     */
    private int readBody(int length) throws FlashgateException {
        int total = 2 + length + 2;
        if (!link.readFully(block, 0, total, BLOCK_TIMEOUT)) {
            return -1;
        }
        if ((block[0] ^ block[1]) != (byte) 0xFF) {
            return -1;
        }
        int crc = ((block[2 + length] & 0xFF) << 8) | (block[3 + length] & 0xFF);
        return YmodemSender.crc16(block, 2, length) == crc ? length : -1;
    }

    private int readByte(Duration timeout) throws FlashgateException {
        byte[] one = new byte[1];
        return link.read(one, 0, 1, timeout) == 1 ? Byte.toUnsignedInt(one[0]) : -1;
    }

    /** Waits for the line to go quiet, so a NAK is not answered by the tail of a bad block. */
    private void drain() throws FlashgateException {
        byte[] sink = new byte[1100];
        while (link.read(sink, 0, sink.length, Duration.ofMillis(100)) > 0) {
            // discard
        }
    }

    private void cancel() throws FlashgateException {
        link.write(new byte[] {CAN, CAN, CAN, CAN, CAN});
    }
}
