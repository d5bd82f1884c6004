package dev.flashgate.device;

import java.util.List;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * The answer to one AT command: the information lines (echo and blank lines removed) and the
 * final result code ({@code OK}, {@code ERROR}, {@code +CME ERROR: 28}, {@code CONNECT}, ...).
 */
public record AtResponse(List<String> lines, String result) {

    public AtResponse {
        lines = List.copyOf(lines);
    }

    public boolean ok() {
        return "OK".equals(result);
    }

    /** The value after {@code prefix} on the first line that starts with it, trimmed; or {@code null}. */
    public String value(String prefix) {
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    /**
     * The {@code count} comma-separated numbers after {@code prefix} (e.g. {@code +FGSTOR: 1024,4096});
     * anything else is {@code DEVICE_NAK}, naming the {@code command} that was answered so.
     */
    public long[] numbers(String prefix, int count, String command) throws FlashgateException {
        String text = value(prefix);
        String[] parts = text == null ? new String[0] : text.split(",");
        if (parts.length != count) {
            throw new FlashgateException(ErrorCode.DEVICE_NAK, command + " answered '" + text + "', expected " + count
                    + (count == 1 ? " number" : " numbers"));
        }
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            try {
                out[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, command + " answered '" + text + "', expected numbers");
            }
        }
        return out;
    }
}
