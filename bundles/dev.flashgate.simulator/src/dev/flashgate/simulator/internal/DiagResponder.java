package dev.flashgate.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.DiagNv;
import dev.flashgate.device.Hdlc;

/**
 * The device side of a DIAG (QCDM) port: the version request ({@code 0x00}), NV item reads
 * ({@code 0x26}; item 550 is the IMEI) and the EDL switch ({@code 4B 65 01 00}). Unknown commands
 * get {@code 0x13} (bad command) with the request echoed; damaged frames are ignored.
 */
final class DiagResponder implements Runnable {

    static final int VERSION = 0x00;
    static final int BAD_COMMAND = 0x13;
    static final int NV_READ = 0x26;
    static final int NV_IMEI = 550;
    static final int NV_DONE = 0;
    static final int NV_NOT_ACTIVE = 5;
    static final byte[] EDL_SWITCH = {0x4B, 0x65, 0x01, 0x00};

    private final SerialLink link;
    /** The IMEI its NV item 550 holds, or {@code null} when the item is not active (no EFS). */
    private final String imei;
    private final Runnable onEdlSwitch;
    private volatile boolean running = true;

    DiagResponder(SerialLink link, String imei, Runnable onEdlSwitch) {
        this.link = link;
        this.imei = imei;
        this.onEdlSwitch = onEdlSwitch;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[512];
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        try {
            while (running) {
                int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(200));
                for (int i = 0; i < n; i++) {
                    if ((buffer[i] & 0xFF) != Hdlc.FLAG) {
                        if (frame.size() < 4096) {
                            frame.write(buffer[i]);
                        }
                        continue;
                    }
                    byte[] payload = Hdlc.decode(frame.toByteArray(), frame.size());
                    frame.reset();
                    if (payload != null && payload.length > 0) {
                        answer(payload);
                    }
                }
            }
        } catch (FlashgateException e) {
            // the host side is gone
        }
    }

    private void answer(byte[] request) throws FlashgateException {
        int command = request[0] & 0xFF;
        if (java.util.Arrays.equals(request, EDL_SWITCH)) {
            link.write(Hdlc.encode(request));
            running = false;
            onEdlSwitch.run();
            return;
        }
        byte[] response = switch (command) {
            case VERSION -> version();
            case NV_READ -> request.length >= 3 ? nvRead(request) : badCommand(request);
            default -> badCommand(request);
        };
        link.write(Hdlc.encode(response));
    }

    private static byte[] version() {
        ByteBuffer b = ByteBuffer.allocate(1 + 11 + 8 + 11 + 8 + 8 + 9).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) VERSION);
        b.put("Oct 01 2026".getBytes(StandardCharsets.US_ASCII)).put("12:00:00".getBytes(StandardCharsets.US_ASCII));
        b.put("Oct 01 2026".getBytes(StandardCharsets.US_ASCII)).put("12:00:00".getBytes(StandardCharsets.US_ASCII));
        b.put("MDM9x07 ".getBytes(StandardCharsets.US_ASCII));
        b.put(new byte[] {(byte) 2, (byte) 6, (byte) 0x9a, 1, 0, 8, 1, 0, 0});
        return b.array();
    }

    private byte[] nvRead(byte[] request) {
        int item = (request[1] & 0xFF) | (request[2] & 0xFF) << 8;
        ByteBuffer b = ByteBuffer.allocate(1 + 2 + 128 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) NV_READ).putShort((short) item);
        byte[] data = new byte[128];
        int status = NV_NOT_ACTIVE;
        if (item == NV_IMEI && imei != null) {
            byte[] bcd = DiagNv.toBcd(imei);
            System.arraycopy(bcd, 0, data, 0, bcd.length);
            status = NV_DONE;
        }
        b.put(data).putShort((short) status);
        return b.array();
    }

    private static byte[] badCommand(byte[] request) {
        byte[] out = new byte[request.length + 1];
        out[0] = BAD_COMMAND;
        System.arraycopy(request, 0, out, 1, request.length);
        return out;
    }
}
