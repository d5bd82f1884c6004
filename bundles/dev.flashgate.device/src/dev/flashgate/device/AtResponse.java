package dev.flashgate.device;

import java.util.List;

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
}
