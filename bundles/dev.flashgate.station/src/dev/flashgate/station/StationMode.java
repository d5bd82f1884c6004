package dev.flashgate.station;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** Starts station mode. Board changes are posted as {@code dev/flashgate/station/CHANGED} events. */
@ProviderType
public interface StationMode {

    /**
     * Reads a policy file (JSON: {@code parallel}, {@code allowDowngrade}, {@code refreshMinutes},
     * {@code stallTimeoutSeconds}, {@code retries}, {@code trust} and {@code rules}, each rule a {@code model} with a {@code repository} (and
     * optionally a {@code target}) or a {@code file}; relative paths are relative to the policy file).
     */
    StationPolicy readPolicy(Path file) throws FlashgateException;

    /** Updates the repositories the policy names and starts watching devices; one run at a time. */
    StationRun start(StationPolicy policy) throws FlashgateException;
}
