package dev.flashgate.core.repository;

import java.util.Locale;

/** The four top-level roles of a repository; each signs its own metadata file. */
public enum Role {
    ROOT, TARGETS, SNAPSHOT, TIMESTAMP;

    /** The role's name in metadata and file names ({@code root}, {@code targets}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
