package dev.flashgate.device.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The device end of a test line: answers each command line with a scripted reply, with the
 * untidiness of real modems on demand (echo, unsolicited result codes, line noise).
 */
final class ScriptedModem implements Runnable {

    private final SerialLink link;
    private final Function<String, String> replies;
    private final boolean echo;
    private final byte[] noise;

    ScriptedModem(SerialLink link, Map<String, String> replies, boolean echo, byte[] noise) {
        this(link, replies::get, echo, noise);
    }

    ScriptedModem(SerialLink link, Function<String, String> replies, boolean echo, byte[] noise) {
        this.link = link;
        this.replies = replies;
        this.echo = echo;
        this.noise = noise;
    }

    static Thread start(ScriptedModem modem) {
        Thread t = new Thread(modem, "scripted-modem");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[64];
        StringBuilder line = new StringBuilder();
        try {
            while (true) {
                int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(100));
                for (int i = 0; i < n; i++) {
                    char c = (char) buffer[i];
                    if (c != '\r') {
                        line.append(c);
                        continue;
                    }
                    String command = line.toString();
                    line.setLength(0);
                    if (echo) {
                        link.write((command + "\r").getBytes(StandardCharsets.US_ASCII));
                    }
                    link.write(noise);
                    String reply = replies.apply(command);
                    if (reply != null) {
                        link.write(reply.getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
        } catch (FlashgateException e) {
            // the host closed the line
        }
    }
}
