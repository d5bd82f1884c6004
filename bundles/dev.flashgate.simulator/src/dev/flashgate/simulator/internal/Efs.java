package dev.flashgate.simulator.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import dev.flashgate.device.DiagNv;

/**
 * What the simulated modem keeps in its {@code efs2} partition, and the factory in {@code fsg} as
 * the golden copy: the NV items that make it this device, its IMEI (item 550) and its RF
 * calibration (unique per device, as a factory's calibration run leaves it). The image is a magic,
 * the body's length, the body (NV items: item number, length, data) and the body's SHA-256;
 * anything else (erased flash, a foreign image) is no EFS, and the modem then boots without an
 * IMEI and without calibration, so it finds no network.
 */
record Efs(String imei, byte[] calibration) {

    static final int NV_IMEI = 550;
    /** Where the calibration run's results go (one item here; a real modem spreads them over many). */
    static final int NV_RF_CALIBRATION = 20_000;
    private static final byte[] MAGIC = "FGSIMEFS".getBytes(StandardCharsets.US_ASCII);
    private static final int CALIBRATION_BYTES = 6 * 1024;

    /** What the factory writes: the device's IMEI and a calibration that follows from its serial. */
    static Efs factory(String imei, String serial) {
        byte[] calibration = new byte[CALIBRATION_BYTES];
        byte[] block = sha256(("RF calibration of " + serial).getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < calibration.length; at += block.length) {
            System.arraycopy(block, 0, calibration, at, Math.min(block.length, calibration.length - at));
            block = sha256(block);
        }
        return new Efs(imei, calibration);
    }

    byte[] encode() {
        byte[] imeiItem = DiagNv.toBcd(imei);
        ByteBuffer body = ByteBuffer.allocate(2 * 4 + imeiItem.length + calibration.length).order(ByteOrder.LITTLE_ENDIAN);
        body.putShort((short) NV_IMEI).putShort((short) imeiItem.length).put(imeiItem);
        body.putShort((short) NV_RF_CALIBRATION).putShort((short) calibration.length).put(calibration);
        byte[] b = body.array();
        return ByteBuffer.allocate(MAGIC.length + 4 + b.length + 32).order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC).putInt(b.length).put(b).put(sha256(b)).array();
    }

    /** The EFS an image holds, or {@code null} when it holds none (erased, damaged, foreign). */
    static Efs decode(byte[] image) {
        if (image.length < MAGIC.length + 4 || !Arrays.equals(image, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length);
        int length = in.getInt();
        if (length < 0 || length > image.length - in.position() - 32) {
            return null;
        }
        byte[] body = new byte[length];
        in.get(body);
        byte[] sum = new byte[32];
        in.get(sum);
        if (!Arrays.equals(sum, sha256(body))) {
            return null;
        }
        String imei = null;
        byte[] calibration = null;
        ByteBuffer items = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        while (items.remaining() >= 4) {
            int item = Short.toUnsignedInt(items.getShort());
            int size = Short.toUnsignedInt(items.getShort());
            if (size > items.remaining()) {
                return null;
            }
            byte[] data = new byte[size];
            items.get(data);
            if (item == NV_IMEI) {
                imei = DiagNv.fromBcd(data, 0);
            } else if (item == NV_RF_CALIBRATION) {
                calibration = data;
            }
        }
        return imei == null || calibration == null ? null : new Efs(imei, calibration);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
