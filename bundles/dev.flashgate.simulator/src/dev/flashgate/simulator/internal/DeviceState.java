package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * What a simulated device remembers across power cycles, as a properties file in its own
 * folder (its flash lives beside it). Writes are atomic, as a device's NV storage would be.
 */
final class DeviceState {

    private final Path file;
    private final Properties values = new Properties();

    DeviceState(Path folder) throws IOException {
        Files.createDirectories(folder);
        this.file = folder.resolve("state.properties");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                values.load(r);
            }
        }
    }

    synchronized String get(String key, String initial) {
        return values.getProperty(key, initial);
    }

    synchronized long getLong(String key, long initial) {
        return Long.parseLong(values.getProperty(key, Long.toString(initial)));
    }

    synchronized void set(String key, Object value) throws IOException {
        values.setProperty(key, String.valueOf(value));
        save();
    }

    private void save() throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            values.store(w, "simulated device state");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Fills in what a new device starts with; keeps what an existing one remembers. */
    synchronized void defaults(Object... keysAndValues) throws IOException {
        boolean changed = false;
        for (int i = 0; i < keysAndValues.length; i += 2) {
            changed |= values.putIfAbsent(keysAndValues[i], String.valueOf(keysAndValues[i + 1])) == null;
        }
        if (changed) {
            save();
        }
    }
}
