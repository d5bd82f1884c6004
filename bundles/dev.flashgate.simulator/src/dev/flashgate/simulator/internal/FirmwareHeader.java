package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The first line of a simulator firmware image: {@code FGSIMFW <model> <version> <securityVersion>}. */
record FirmwareHeader(String model, String version, long securityVersion) {

    /** The header of the image in {@code file}, or {@code null} when it has none. */
    static FirmwareHeader read(Path file) throws IOException {
        byte[] head = new byte[256];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return parse(java.util.Arrays.copyOf(head, n));
    }

    /** The header at the start of {@code head}, or {@code null} when it has none. */
    static FirmwareHeader parse(byte[] head) {
        String text = new String(head, StandardCharsets.US_ASCII);
        int end = text.indexOf('\n');
        if (end < 0) {
            return null;
        }
        String[] parts = text.substring(0, end).split(" ");
        if (parts.length != 4 || !parts[0].equals("FGSIMFW")) {
            return null;
        }
        try {
            return new FirmwareHeader(parts[1], parts[2], Long.parseLong(parts[3]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
