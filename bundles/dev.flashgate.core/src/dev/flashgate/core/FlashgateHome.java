package dev.flashgate.core;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where a station keeps its state (trust anchors, demo material, later the journal): the
 * framework property {@value #PROPERTY}, which the launcher sets from {@code FLASHGATE_HOME},
 * else {@code ~/.flashgate}. Never the current directory.
 */
public final class FlashgateHome {
    public static final String PROPERTY = "flashgate.home";

    private FlashgateHome() {
    }

    /** The state folder for a configured value ({@code null} or blank for the default). */
    public static Path resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        return Paths.get(System.getProperty("user.home"), ".flashgate");
    }
}
