package dev.flashgate.simulator.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * The device side of an AT port: reads command lines terminated by CR, echoes them while echo is
 * on (as modems do by default), and writes each response as {@code CR LF line CR LF} followed by
 * the final result code.
 */
final class AtResponder implements Runnable {

    /**
     * What a command produced: information lines and the final result code; a {@code CONNECT}
     * result hands the line to {@code data} (a file transfer), whose own reply follows it.
     */
    record Reply(List<String> lines, String result, DataMode data) {
        static Reply ok(String... lines) {
            return new Reply(List.of(lines), "OK", null);
        }

        static Reply error() {
            return new Reply(List.of(), "ERROR", null);
        }

        static Reply result(String result, String... lines) {
            return new Reply(List.of(lines), result, null);
        }

        static Reply connect(DataMode data) {
            return new Reply(List.of(), "CONNECT", data);
        }
    }

    /** The device's side of a data phase after {@code CONNECT}. */
    interface DataMode {
        Reply run(SerialLink link) throws FlashgateException;
    }

    /** The commands a simulated device understands; {@code command} is upper-cased, without CR. */
    interface Commands {
        Reply execute(String command);
    }

    private final SerialLink link;
    private final Commands commands;
    private volatile boolean running = true;
    private boolean echo = true;

    AtResponder(SerialLink link, Commands commands) {
        this.link = link;
        this.commands = commands;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        byte[] buffer = new byte[256];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (running) {
                int n = link.read(buffer, 0, buffer.length, Duration.ofMillis(200));
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (echo) {
                        link.write(new byte[] {b});
                    }
                    if (b == '\r') {
                        String command = line.toString(StandardCharsets.US_ASCII).trim();
                        line.reset();
                        if (!command.isEmpty()) {
                            answer(command);
                        }
                    } else if (b != '\n' && line.size() < 1024) {
                        line.write(b);
                    }
                }
            }
        } catch (FlashgateException e) {
            // the host side went away (unplugged, re-enumerated): this port's life is over
        }
    }

    private void answer(String line) throws FlashgateException {
        // a modem's command parser syncs on "AT": line noise before it (e.g. an aborted transfer's tail) is dropped
        int at = line.toUpperCase(Locale.ROOT).indexOf("AT");
        String command = at > 0 ? line.substring(at) : line;
        String upper = command.toUpperCase(Locale.ROOT);
        Reply reply;
        if (upper.equals("ATE0") || upper.equals("ATE1")) {
            echo = upper.equals("ATE1");
            reply = Reply.ok();
        } else if (!upper.startsWith("AT")) {
            reply = Reply.error();
        } else {
            reply = commands.execute(upper);
        }
        if (reply == null) {
            return; // the device lost power while handling the command: no answer
        }
        write(reply);
        if (reply.data() != null) {
            boolean echoed = echo;
            echo = false;
            Reply after = reply.data().run(link);
            if (after != null) { // null: the device lost power during the data phase
                write(after);
            }
            echo = echoed;
        }
    }

    private void write(Reply reply) throws FlashgateException {
        StringBuilder out = new StringBuilder();
        for (String l : reply.lines()) {
            out.append("\r\n").append(l).append("\r\n");
        }
        out.append("\r\n").append(reply.result()).append("\r\n");
        link.write(out.toString().getBytes(StandardCharsets.US_ASCII));
    }
}
