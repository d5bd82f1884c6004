package dev.flashgate.plugin.firehose.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The host side of Sahara in emergency download: answers the boot ROM's HELLO, serves the chunks
 * of the programmer image it asks for (READ_DATA, READ_DATA_64), and after END_OF_IMAGE_TX ends
 * with DONE. Every packet is checked for its exact length; nothing the device sends can make the
 * host read or send beyond the image, and every wait has a deadline.
 */
final class SaharaHost {

    static final int HELLO = 0x01;
    static final int HELLO_RESP = 0x02;
    static final int READ_DATA = 0x03;
    static final int END_OF_IMAGE_TX = 0x04;
    static final int DONE = 0x05;
    static final int DONE_RESP = 0x06;
    static final int RESET = 0x07;
    static final int RESET_RESP = 0x08;
    static final int CMD_READY = 0x0B;
    static final int CMD_SWITCH_MODE = 0x0C;
    static final int CMD_EXEC = 0x0D;
    static final int CMD_EXEC_RESP = 0x0E;
    static final int CMD_EXEC_DATA = 0x0F;
    static final int READ_DATA_64 = 0x12;
    static final int MODE_IMAGE_TX_PENDING = 0;
    static final int MODE_COMMAND = 3;
    static final int EXEC_SERIAL_NUM_READ = 0x01;
    static final int EXEC_MSM_HW_ID_READ = 0x02;
    static final int EXEC_OEM_PK_HASH_READ = 0x03;
    static final int PROGRAMMER_IMAGE = 13;
    private static final int VERSION = 2;
    private static final int VERSION_COMPATIBLE = 1;
    /** Longest packet the host accepts; Sahara's own are at most 0x30 bytes. */
    static final int MAX_PACKET = 0x400;
    /** Largest chunk the device may ask for at once. */
    static final int MAX_READ = 1 << 20;
    /** HELLOs a boot ROM may repeat before it sees the host's answer. */
    private static final int MAX_REPEATED_HELLOS = 16;

    private final SerialLink link;
    private final Duration timeout;

    SaharaHost(SerialLink link, Duration timeout) {
        this.link = link;
        this.timeout = timeout;
    }

    /**
     * Uploads {@code programmer} and returns once the device reports it running. A device that
     * refuses it (a programmer not signed for this device) fails with {@code DEVICE_NAK}.
     */
    void upload(byte[] programmer, LongConsumer progress) throws FlashgateException {
        upload(programmer, progress, chip -> { });
    }

    /** Who the chip says it is in command mode; a value it did not give is {@code null}. */
    record Chip(Long serial, Long msmHwId, String oemPkHash) {
        static final Chip UNKNOWN = new Chip(null, null, null);

        @Override
        public String toString() {
            return "chip serial " + (serial == null ? "?" : String.format("0x%08x", serial)) + ", MSM HW ID "
                    + (msmHwId == null ? "?" : String.format("0x%016x", msmHwId)) + ", OEM PK hash " + (oemPkHash == null ? "?" : oemPkHash);
        }
    }

    /** Decides, from the chip's identity, whether the programmer may be uploaded (throws if not). */
    interface ChipCheck {
        void accept(Chip chip) throws FlashgateException;
    }

    /**
     * Reads the chip's identity in Sahara command mode first (serial, MSM HW ID, OEM PK hash), as
     * real hosts do, hands it to {@code check} before a byte of the programmer is sent, then
     * switches to image transfer and uploads. A boot ROM without command mode (it refuses the mode,
     * or goes straight to asking for the image) is met with an unknown identity.
     */
    void upload(byte[] programmer, LongConsumer progress, ChipCheck check) throws FlashgateException {
        newest(awaitHello());
        send(packet(HELLO_RESP, VERSION, VERSION_COMPATIBLE, 0, MODE_COMMAND, 0, 0, 0, 0, 0, 0));
        ByteBuffer first = readPacket();
        ByteBuffer pending = null;
        if (first.getInt(0) == CMD_READY) {
            check.accept(clientCommands());
            send(packet(HELLO_RESP, VERSION, VERSION_COMPATIBLE, 0, MODE_IMAGE_TX_PENDING, 0, 0, 0, 0, 0, 0));
        } else if (first.getInt(0) == END_OF_IMAGE_TX && first.limit() == 0x10 && first.getInt(8) != PROGRAMMER_IMAGE) {
            // refused the mode: it waits for a HELLO_RESP in image transfer mode
            check.accept(Chip.UNKNOWN);
            send(packet(HELLO_RESP, VERSION, VERSION_COMPATIBLE, 0, MODE_IMAGE_TX_PENDING, 0, 0, 0, 0, 0, 0));
        } else {
            try {
                check.accept(Chip.UNKNOWN);
            } catch (FlashgateException e) {
                send(packet(RESET));
                throw e;
            }
            pending = first; // it ignored the mode and asks for the image already
        }
        long served = 0;
        int repeats = 0;
        while (true) {
            ByteBuffer p = pending != null ? pending : readPacket();
            pending = null;
            int command = p.getInt(0);
            switch (command) {
                case READ_DATA -> {
                    requireLength(p, 0x14);
                    served += serve(programmer, Integer.toUnsignedLong(p.getInt(8)), Integer.toUnsignedLong(p.getInt(12)),
                            Integer.toUnsignedLong(p.getInt(16)));
                    progress.accept(Math.min(served, programmer.length));
                }
                case READ_DATA_64 -> {
                    requireLength(p, 0x20);
                    served += serve(programmer, p.getLong(8), p.getLong(16), p.getLong(24));
                    progress.accept(Math.min(served, programmer.length));
                }
                case END_OF_IMAGE_TX -> {
                    requireLength(p, 0x10);
                    int status = p.getInt(12);
                    if (status != 0) {
                        send(packet(RESET));
                        throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device refused the programmer (Sahara status 0x"
                                + Integer.toHexString(status) + ": " + status(status) + ")");
                    }
                    send(packet(DONE));
                    ByteBuffer done = expect(DONE_RESP, 0x0C);
                    if (done.getInt(8) != 1) {
                        throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device did not start the programmer (DONE_RESP status "
                                + done.getInt(8) + ")");
                    }
                    return;
                }
                case HELLO -> {
                    // a HELLO the device repeated while ours was on its way: it moves on by itself, once
                    if (++repeats > MAX_REPEATED_HELLOS) {
                        throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device keeps repeating HELLO instead of asking "
                                + "for the programmer");
                    }
                }
                default -> throw new FlashgateException(ErrorCode.DEVICE_NAK, "unexpected Sahara command 0x"
                        + Integer.toHexString(command) + " during the programmer upload");
            }
        }
    }

    /** After CMD_READY: the client commands, then CMD_SWITCH_MODE to image transfer, which brings a fresh HELLO. */
    private Chip clientCommands() throws FlashgateException {
        byte[] serial = execute(EXEC_SERIAL_NUM_READ, 4);
        byte[] hwId = execute(EXEC_MSM_HW_ID_READ, 8);
        byte[] pkHash = execute(EXEC_OEM_PK_HASH_READ, 128);
        send(packet(CMD_SWITCH_MODE, MODE_IMAGE_TX_PENDING));
        newest(awaitHello());
        return new Chip(serial == null || serial.length < 4 ? null : Integer.toUnsignedLong(le(serial).getInt(0)),
                hwId == null || hwId.length < 8 ? null : le(hwId).getLong(0), pkHash(pkHash));
    }

    /**
     * The OEM PK hash as hex: boot ROMs send the digest alone, once per root certificate, or
     * zero-padded to a wider field; one copy without the padding is the hash.
     */
    static String pkHash(byte[] raw) {
        if (raw == null || raw.length < 32) {
            return null;
        }
        int n = raw.length;
        for (int size : new int[] {32, 48, 64}) {
            if (n > size && IntStream.range(size, n).allMatch(i -> raw[i] == raw[i % size] || raw[i] == 0)) {
                n = size;
                break;
            }
        }
        return HexFormat.of().formatHex(raw, 0, n);
    }

    /** One client command: its answer, or {@code null} when the boot ROM does not have it. */
    private byte[] execute(int command, int max) throws FlashgateException {
        send(packet(CMD_EXEC, command));
        ByteBuffer resp = readPacket();
        if (resp.getInt(0) == END_OF_IMAGE_TX) {
            requireLength(resp, 0x10);
            return null;
        }
        if (resp.getInt(0) != CMD_EXEC_RESP) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device answered client command " + command + " with Sahara command 0x"
                    + Integer.toHexString(resp.getInt(0)));
        }
        requireLength(resp, 0x10);
        long length = Integer.toUnsignedLong(resp.getInt(12));
        if (resp.getInt(8) != command || length > max) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device offers " + length + " bytes for client command " + command);
        }
        send(packet(CMD_EXEC_DATA, command));
        byte[] data = new byte[(int) length];
        if (!link.readFully(data, 0, data.length, timeout)) {
            throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": the answer to client command " + command
                    + " stopped short");
        }
        return data;
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** What a Sahara status code means (the protocol's numbering, as boot ROMs send it). */
    static String status(int code) {
        return switch (code) {
            case 0x01 -> "invalid command in this state";
            case 0x02 -> "protocol mismatch";
            case 0x05 -> "invalid packet size";
            case 0x06 -> "unexpected image id";
            case 0x07, 0x08, 0x13 -> "invalid image size";
            case 0x14 -> "invalid ELF header: this is no programmer image";
            case 0x16, 0x17 -> "timeout";
            case 0x18 -> "invalid host mode";
            case 0x1F -> "unsupported client command";
            case 0x21 -> "hash table authentication failed: the programmer is not signed for this device";
            case 0x22 -> "hash verification failed: the programmer was altered after signing";
            case 0x23 -> "no hash table: the programmer is not signed";
            case 0x25 -> "image authentication failed: the programmer is not signed for this device";
            default -> "error";
        };
    }

    /** Sends exactly the bytes asked for; the request must lie inside the image. */
    private long serve(byte[] image, long imageId, long offset, long length) throws FlashgateException {
        if (imageId != PROGRAMMER_IMAGE) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device asks for image " + imageId + ", only the programmer (13) "
                    + "is served");
        }
        if (offset < 0 || length <= 0 || length > MAX_READ || offset > image.length || length > image.length - offset) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device asks for " + length + " bytes at " + offset
                    + " of a " + image.length + "-byte programmer");
        }
        link.write(image, (int) offset, (int) length);
        return length;
    }

    /**
     * The last of the HELLOs already on the line: a boot ROM repeats HELLO until it is answered,
     * so those queued before the host listened are answered once, for the newest, and at once.
     */
    private ByteBuffer newest(ByteBuffer hello) throws FlashgateException {
        for (int queued = 0; ; queued++) {
            byte[] head = new byte[8];
            int n = link.read(head, 0, 8, Duration.ZERO);
            if (n == 0) {
                return hello;
            }
            ByteBuffer p = readPacket(head, n);
            if (p.getInt(0) != HELLO) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device sent Sahara command 0x"
                        + Integer.toHexString(p.getInt(0)) + " before its HELLO was answered");
            }
            if (queued == MAX_REPEATED_HELLOS) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device keeps repeating HELLO");
            }
            requireLength(p, 0x30);
            hello = p;
        }
    }

    /**
     * The boot ROM's next HELLO. What an earlier exchange left on the line (a RESET_RESP after a
     * refused programmer) is skipped; anything else, or too much of it, is not a boot ROM.
     */
    private ByteBuffer awaitHello() throws FlashgateException {
        for (int skipped = 0; skipped < 4; skipped++) {
            ByteBuffer p = readPacket();
            int command = p.getInt(0);
            if (command == HELLO) {
                requireLength(p, 0x30);
                return p;
            }
            if (command != RESET_RESP) {
                break;
            }
        }
        throw new FlashgateException(ErrorCode.DEVICE_NAK, "the device does not start Sahara with HELLO: it is not a boot ROM "
                + "waiting in emergency download");
    }

    private ByteBuffer expect(int command, int length) throws FlashgateException {
        ByteBuffer p = readPacket();
        if (p.getInt(0) != command) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "expected Sahara command 0x" + Integer.toHexString(command)
                    + ", the device sent 0x" + Integer.toHexString(p.getInt(0)));
        }
        requireLength(p, length);
        return p;
    }

    private static void requireLength(ByteBuffer p, int length) throws FlashgateException {
        if (p.limit() != length) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "Sahara command 0x" + Integer.toHexString(p.getInt(0)) + " has "
                    + p.limit() + " bytes, expected " + length);
        }
    }

    /** One packet: command and length (8 to {@link #MAX_PACKET}), then the rest, within the timeout. */
    private ByteBuffer readPacket() throws FlashgateException {
        return readPacket(new byte[8], 0);
    }

    /** A packet whose first {@code have} bytes are already in {@code head}. */
    private ByteBuffer readPacket(byte[] head, int have) throws FlashgateException {
        if (have < 8 && !link.readFully(head, have, 8 - have, timeout)) {
            throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": no Sahara packet within " + timeout.toMillis()
                    + " ms");
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int length = h.getInt(4);
        if (length < 8 || length > MAX_PACKET) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, "malformed Sahara packet: command 0x" + Integer.toHexString(h.getInt(0))
                    + " with length " + Integer.toUnsignedString(length));
        }
        byte[] all = new byte[length];
        System.arraycopy(head, 0, all, 0, 8);
        if (!link.readFully(all, 8, length - 8, timeout)) {
            throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": a Sahara packet of " + length
                    + " bytes stopped short");
        }
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void send(byte[] packet) throws FlashgateException {
        link.write(packet);
    }

    static byte[] packet(int command, int... fields) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * fields.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(command).putInt(8 + 4 * fields.length);
        for (int f : fields) {
            b.putInt(f);
        }
        return b.array();
    }
}
