package dev.flashgate.station;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flashgate.upgrade.SessionOptions;

/**
 * What a station does with the devices plugged into it: the first rule whose model matches a
 * device decides its package; {@code parallel} sessions run at most at once; {@code refresh} is
 * how often the repositories the rules name are updated; {@code trust} are anchors to verify
 * packages against instead of the station's trust store (empty: the trust store);
 * {@code sessionOptions} the watchdog and retry settings of every session.
 */
public record StationPolicy(List<Rule> rules, int parallel, boolean allowDowngrade, Duration refresh, List<Path> trust,
        SessionOptions sessionOptions) {

    /**
     * A device model and where its package comes from: a {@code repository}'s newest package for the
     * model ({@code target} {@code null}) or the named {@code target} of it, or a local {@code file}.
     */
    public record Rule(String model, String repository, String target, Path file) {
        public Rule {
            Objects.requireNonNull(model, "model");
            if ((repository == null) == (file == null)) {
                throw new IllegalArgumentException("a rule names a repository or a file, not both or neither");
            }
            if (target != null && repository == null) {
                throw new IllegalArgumentException("a target is named within a repository");
            }
        }

        public boolean matches(String deviceModel) {
            return deviceModel != null && model.equalsIgnoreCase(deviceModel);
        }

        /** How the board and the log name the rule's source. */
        public String source() {
            if (file != null) {
                return file.toString();
            }
            return repository + ":" + (target == null ? "newest" : target);
        }
    }

    public StationPolicy {
        rules = List.copyOf(rules);
        trust = List.copyOf(trust);
        Objects.requireNonNull(refresh, "refresh");
        Objects.requireNonNull(sessionOptions, "sessionOptions");
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be at least 1");
        }
    }

    public Optional<Rule> ruleFor(String model) {
        return rules.stream().filter(r -> r.matches(model)).findFirst();
    }

    public StationPolicy withParallel(int n) {
        return new StationPolicy(rules, n, allowDowngrade, refresh, trust, sessionOptions);
    }
}
