package dev.flashgate.device;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/**
 * AT commands over a serial link, reading no further than the line that ends a response. Tolerates
 * what real modems do: echo of the command, blank
 * lines, unsolicited result codes between lines, bytes of line noise; a command that gets no
 * final result code within its time is {@code DEVICE_STALLED}, a link that vanishes
 * {@code DEVICE_GONE}.
 */
public final class AtChannel {

    private static final int MAX_LINE = 4096;

    private final SerialLink link;
    /**
     * One byte at a time: after {@code CONNECT} the bytes that follow belong to the data phase
     * (a YMODEM {@code C}, say) and must stay on the line for whoever takes it over.
     */
    private final byte[] buffer = new byte[1];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> pending = new ArrayList<>();

    public AtChannel(SerialLink link) {
        this.link = link;
    }

    public SerialLink link() {
        return link;
    }

    /** Sends {@code command} (without CR) and collects the response until its final result code. */
    public AtResponse command(String command, Duration timeout) throws FlashgateException {
        link.discardInput();
        pending.clear();
        line.reset();
        link.write((command + "\r").getBytes(StandardCharsets.US_ASCII));
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = new ArrayList<>();
        while (true) {
            String next = nextLine(deadline);
            if (next == null) {
                throw new FlashgateException(ErrorCode.DEVICE_STALLED, link.name() + ": no answer to " + command
                        + " within " + timeout.toMillis() + " ms");
            }
            if (next.isEmpty() || next.equalsIgnoreCase(command)) {
                continue;
            }
            if (isFinal(next)) {
                return new AtResponse(lines, next);
            }
            lines.add(next);
        }
    }

    /** Sends {@code command}; its response, which must end in {@code OK}, else {@code DEVICE_NAK} with the result. */
    public AtResponse expectOk(String command, Duration timeout) throws FlashgateException {
        AtResponse r = command(command, timeout);
        if (!r.ok()) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, command + " answered " + r.result());
        }
        return r;
    }

    /**
     * Whether the device answers a plain {@code AT} with {@code OK} within {@code timeout}: false
     * when it stays silent (e.g. still inside a data phase), {@code DEVICE_NAK} when it refuses.
     */
    public boolean answers(Duration timeout) throws FlashgateException {
        try {
            expectOk("AT", timeout);
            return true;
        } catch (FlashgateException e) {
            if (e.code() != ErrorCode.DEVICE_STALLED) {
                throw e;
            }
            return false;
        }
    }

    /** Reads one line (without CR/LF) the device sends on its own, e.g. a result after a transfer. */
    public String readLine(Duration timeout) throws FlashgateException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String next = nextLine(deadline);
            if (next == null || !next.isEmpty()) {
                return next;
            }
        }
    }

    static boolean isFinal(String line) {
        return line.equals("OK") || line.equals("ERROR") || line.startsWith("+CME ERROR") || line.startsWith("+CMS ERROR")
                || line.startsWith("CONNECT") || line.equals("NO CARRIER") || line.equals("BUSY") || line.equals("NO ANSWER");
    }

    private String nextLine(long deadline) throws FlashgateException {
        while (pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            int n = link.read(buffer, 0, buffer.length, Duration.ofNanos(left));
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\r' || b == '\n') {
                    pending.add(text(line.toByteArray()));
                    line.reset();
                } else if (line.size() < MAX_LINE) {
                    line.write(b);
                }
            }
        }
        return pending.remove(0);
    }

    /** Printable ASCII only: noise on the line must not turn into look-alike text. */
    private static String text(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            if (x >= 0x20 && x < 0x7f) {
                b.append((char) x);
            }
        }
        return b.toString().trim();
    }
}
