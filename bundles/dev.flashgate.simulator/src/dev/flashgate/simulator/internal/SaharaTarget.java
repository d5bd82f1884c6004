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
 * The boot ROM (PBL) side of Sahara in emergency download, as independent hosts see a real one.
 * It sends one HELLO when it enumerates (the USB FIFO, here the pty, holds it until a host reads)
 * and then only answers. A HELLO_RESP asking for command mode gets CMD_READY and the standard
 * client commands (chip serial, MSM HW ID, OEM PK hash, SBL version, command list); CMD_SWITCH_MODE
 * brings a fresh HELLO. Image transfer mode asks for the programmer (image 13) with READ_DATA and
 * ends with END_OF_IMAGE_TX: status 0 only if the programmer's SHA-256 is one the OEM signed,
 * otherwise {@link #NAK_HASH_TABLE_AUTH_FAILURE}; after DONE/DONE_RESP the programmer runs. RESET
 * resets the device (it enumerates again and greets on its new port); RESET_STATE_MACHINE starts
 * the state machine over on the same one. What does not fit the state is answered
 * with END_OF_IMAGE_TX and a Sahara status code. All integers little-endian u32, every packet
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
    static final int CMD_READY = 0x0B;
    static final int CMD_SWITCH_MODE = 0x0C;
    static final int CMD_EXEC = 0x0D;
    static final int CMD_EXEC_RESP = 0x0E;
    static final int CMD_EXEC_DATA = 0x0F;
    static final int READ_DATA_64 = 0x12;
    static final int RESET_STATE_MACHINE = 0x13;

    static final int MODE_IMAGE_TX_PENDING = 0;
    static final int MODE_COMMAND = 3;

    static final int EXEC_NOP = 0x00;
    static final int EXEC_SERIAL_NUM_READ = 0x01;
    static final int EXEC_MSM_HW_ID_READ = 0x02;
    static final int EXEC_OEM_PK_HASH_READ = 0x03;
    static final int EXEC_GET_SOFTWARE_VERSION_SBL = 0x07;
    static final int EXEC_GET_COMMAND_ID_LIST = 0x08;

    /** Sahara status codes (the protocol's own numbering, as qdl, edl and fwupd read it). */
    static final int STATUS_SUCCESS = 0x00;
    static final int NAK_INVALID_CMD = 0x01;
    static final int NAK_INVALID_PACKET_SIZE = 0x05;
    static final int NAK_INVALID_ELF_HDR = 0x14;
    static final int NAK_TIMEOUT_RX = 0x16;
    static final int NAK_INVALID_HOST_MODE = 0x18;
    static final int NAK_EXEC_CMD_UNSUPPORTED = 0x1F;
    static final int NAK_EXEC_DATA_INVALID_CLIENT_CMD = 0x20;
    /** What a secure-boot PBL answers to a programmer not signed with the OEM's key. */
    static final int NAK_HASH_TABLE_AUTH_FAILURE = 0x21;

    static final int VERSION = 2;
    static final int VERSION_COMPATIBLE = 1;
    static final int PROGRAMMER_IMAGE = 13;
    static final int MAX_PACKET = 0x400;
    static final int CHUNK = 0x1000;
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final Duration DATA = Duration.ofSeconds(10);

    /** Who the chip says it is in command mode. */
    record Chip(int serial, long msmHwId, byte[] oemPkHash) {
    }

    /** How a session ended. */
    enum Outcome {
        /** The programmer was accepted and now runs. */
        PROGRAMMER_RUNNING,
        /** The host asked for a reset: the device resets, enumerates again and greets anew. */
        RESET,
        /** The host reset the state machine only: a fresh HELLO on the same link. */
        RESTART
    }

    private final SerialLink link;
    private final Set<String> signedProgrammers;
    private final Chip chip;
    private final boolean use64BitReads;

    SaharaTarget(SerialLink link, Set<String> signedProgrammers, Chip chip, boolean use64BitReads) {
        this.link = link;
        this.signedProgrammers = signedProgrammers;
        this.chip = chip;
        this.use64BitReads = use64BitReads;
    }

    /** From enumeration until the programmer runs or the host resets the state machine. */
    Outcome run() throws FlashgateException {
        hello(MODE_IMAGE_TX_PENDING);
        while (true) {
            ByteBuffer p = awaitPacket();
            switch (p.getInt(0)) {
                case HELLO_RESP -> {
                    if (p.limit() != 0x30) {
                        endOfImage(0, NAK_INVALID_PACKET_SIZE);
                        continue;
                    }
                    switch (p.getInt(20)) {
                        case MODE_IMAGE_TX_PENDING -> {
                            int after = transfer();
                            if (after == DONE) {
                                return Outcome.PROGRAMMER_RUNNING;
                            }
                            after = after == RESET ? RESET : awaitAfterRefusal();
                            if (after == RESET) {
                                return Outcome.RESET;
                            }
                            if (after == RESET_STATE_MACHINE) {
                                return Outcome.RESTART;
                            }
                            hello(MODE_IMAGE_TX_PENDING);
                        }
                        case MODE_COMMAND -> {
                            int after = commandMode();
                            if (after == RESET) {
                                return Outcome.RESET;
                            }
                            if (after == RESET_STATE_MACHINE) {
                                return Outcome.RESTART;
                            }
                        }
                        default -> endOfImage(0, NAK_INVALID_HOST_MODE);
                    }
                }
                case RESET -> {
                    packet(RESET_RESP);
                    return Outcome.RESET;
                }
                case RESET_STATE_MACHINE -> {
                    return Outcome.RESTART;
                }
                default -> endOfImage(0, NAK_INVALID_CMD);
            }
        }
    }

    /**
     * Command mode: client commands until the host switches mode (a new HELLO follows, and the
     * caller waits for its answer) or resets.
     */
    private int commandMode() throws FlashgateException {
        packet(CMD_READY);
        int pending = -1;
        while (true) {
            ByteBuffer p = awaitPacket();
            int command = p.getInt(0);
            if (command == RESET) {
                packet(RESET_RESP);
                return RESET;
            }
            if (command == RESET_STATE_MACHINE) {
                return RESET_STATE_MACHINE;
            }
            if (p.limit() != 0x0C || command != CMD_EXEC && command != CMD_EXEC_DATA && command != CMD_SWITCH_MODE) {
                endOfImage(0, p.limit() != 0x0C && (command == CMD_EXEC || command == CMD_EXEC_DATA || command == CMD_SWITCH_MODE)
                        ? NAK_INVALID_PACKET_SIZE : NAK_INVALID_CMD);
                continue;
            }
            int argument = p.getInt(8);
            switch (command) {
                case CMD_EXEC -> {
                    byte[] answer = clientCommand(argument);
                    if (answer == null) {
                        endOfImage(0, NAK_EXEC_CMD_UNSUPPORTED);
                        pending = -1;
                    } else {
                        packet(CMD_EXEC_RESP, argument, answer.length);
                        pending = argument;
                    }
                }
                case CMD_EXEC_DATA -> {
                    if (argument != pending) {
                        endOfImage(0, NAK_EXEC_DATA_INVALID_CLIENT_CMD);
                    } else {
                        link.write(clientCommand(argument));
                    }
                    pending = -1;
                }
                default -> { // CMD_SWITCH_MODE: the boot ROM greets again, in the mode asked for
                    hello(argument);
                    return CMD_SWITCH_MODE;
                }
            }
        }
    }

    /** The response bytes of a client command, or {@code null} for one this boot ROM does not have. */
    private byte[] clientCommand(int command) {
        return switch (command) {
            case EXEC_NOP -> new byte[0];
            case EXEC_SERIAL_NUM_READ -> le(4).putInt(chip.serial()).array();
            case EXEC_MSM_HW_ID_READ -> le(8).putLong(chip.msmHwId()).array();
            case EXEC_OEM_PK_HASH_READ -> chip.oemPkHash().clone();
            case EXEC_GET_SOFTWARE_VERSION_SBL -> le(4).putInt(0).array();
            case EXEC_GET_COMMAND_ID_LIST -> {
                int[] ids = {EXEC_NOP, EXEC_SERIAL_NUM_READ, EXEC_MSM_HW_ID_READ, EXEC_OEM_PK_HASH_READ,
                    EXEC_GET_SOFTWARE_VERSION_SBL, EXEC_GET_COMMAND_ID_LIST};
                ByteBuffer b = le(4 * ids.length);
                for (int id : ids) {
                    b.putInt(id);
                }
                yield b.array();
            }
            default -> null;
        };
    }

    /**
     * Image transfer: DONE once a signed programmer was received and the host said DONE, RESET
     * when the host reset the boot ROM instead, END_OF_IMAGE_TX when the image was refused.
     */
    private int transfer() throws FlashgateException {
        byte[] programmer = download();
        if (programmer == null) {
            endOfImage(PROGRAMMER_IMAGE, NAK_INVALID_ELF_HDR);
            return END_OF_IMAGE_TX;
        }
        if (!signedProgrammers.contains(sha256(programmer))) {
            endOfImage(PROGRAMMER_IMAGE, NAK_HASH_TABLE_AUTH_FAILURE);
            return END_OF_IMAGE_TX;
        }
        endOfImage(PROGRAMMER_IMAGE, STATUS_SUCCESS);
        while (true) {
            ByteBuffer p = awaitPacket();
            if (p.getInt(0) == DONE) {
                packet(DONE_RESP, 1); // image transfer complete: the programmer starts
                return DONE;
            }
            if (p.getInt(0) == RESET) {
                packet(RESET_RESP);
                return RESET;
            }
            endOfImage(0, NAK_INVALID_CMD);
        }
    }

    /** After a refused image the host resets the boot ROM, or says DONE (then it is greeted again). */
    private int awaitAfterRefusal() throws FlashgateException {
        while (true) {
            ByteBuffer p = awaitPacket();
            switch (p.getInt(0)) {
                case RESET -> {
                    packet(RESET_RESP);
                    return RESET;
                }
                case RESET_STATE_MACHINE -> {
                    return RESET_STATE_MACHINE;
                }
                case DONE -> {
                    packet(DONE_RESP, 0); // nothing is complete: still pending
                    return DONE;
                }
                default -> endOfImage(0, NAK_INVALID_CMD);
            }
        }
    }

    /** Asks for the programmer's header, then the rest; null if what the host sent is no programmer. */
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
            link.write(le(0x20).putInt(READ_DATA_64).putInt(0x20).putLong(PROGRAMMER_IMAGE).putLong(offset).putLong(length)
                    .array());
        } else {
            packet(READ_DATA, PROGRAMMER_IMAGE, (int) offset, length);
        }
        byte[] data = new byte[length];
        return link.readFully(data, 0, length, DATA) ? data : null;
    }

    private void hello(int mode) throws FlashgateException {
        packet(HELLO, VERSION, VERSION_COMPATIBLE, MAX_PACKET, mode, 0, 0, 0, 0, 0, 0);
    }

    private void endOfImage(int image, int status) throws FlashgateException {
        packet(END_OF_IMAGE_TX, image, status);
    }

    /**
     * The host's next packet; a boot ROM has no deadline of its own, so this waits as long as the
     * link is there. A length that cannot be a Sahara packet is answered and the input dropped.
     */
    private ByteBuffer awaitPacket() throws FlashgateException {
        while (true) {
            byte[] head = new byte[8];
            if (!link.readFully(head, 0, 8, IDLE)) {
                continue;
            }
            int length = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
            if (length < 8 || length > MAX_PACKET) {
                link.discardInput();
                endOfImage(0, NAK_INVALID_PACKET_SIZE);
                continue;
            }
            byte[] all = new byte[length];
            System.arraycopy(head, 0, all, 0, 8);
            if (!link.readFully(all, 8, length - 8, DATA)) {
                endOfImage(0, NAK_TIMEOUT_RX);
                continue;
            }
            return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private void packet(int command, int... fields) throws FlashgateException {
        ByteBuffer b = le(8 + 4 * fields.length).putInt(command).putInt(8 + 4 * fields.length);
        for (int f : fields) {
            b.putInt(f);
        }
        link.write(b.array());
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
