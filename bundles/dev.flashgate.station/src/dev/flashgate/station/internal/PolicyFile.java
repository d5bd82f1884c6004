package dev.flashgate.station.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.upgrade.SessionOptions;

/**
 * The policy file. Unknown fields are errors, so a misspelt {@code modle} cannot quietly turn a
 * rule into nothing; relative paths are resolved against the file's folder.
 */
final class PolicyFile {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The file as written. */
    public record Json(Integer parallel, Boolean allowDowngrade, Integer refreshMinutes, Integer stallTimeoutSeconds,
            Integer retries, List<String> trust, List<RuleJson> rules) {
    }

    public record RuleJson(String model, String repository, String target, String file) {
    }

    private PolicyFile() {
    }

    static StationPolicy read(Path file) throws FlashgateException {
        Json json;
        try {
            json = MAPPER.readValue(file.toFile(), Json.class);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read the policy " + file + ": " + e.getMessage(), e);
        }
        if (json == null || json.rules() == null || json.rules().isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "the policy " + file + " has no rules: it would update nothing");
        }
        Path base = file.toAbsolutePath().getParent();
        List<StationPolicy.Rule> rules = new ArrayList<>();
        for (RuleJson rule : json.rules()) {
            if (rule.model() == null || rule.model().isBlank()) {
                throw new FlashgateException(ErrorCode.USAGE, "a rule of " + file + " names no model");
            }
            try {
                rules.add(new StationPolicy.Rule(rule.model().strip(), rule.repository(), rule.target(),
                        rule.file() == null ? null : base.resolve(rule.file())));
            } catch (IllegalArgumentException e) {
                throw new FlashgateException(ErrorCode.USAGE, "the rule for " + rule.model() + " in " + file + ": " + e.getMessage());
            }
        }
        int parallel = json.parallel() == null ? 4 : json.parallel();
        int refresh = json.refreshMinutes() == null ? 10 : json.refreshMinutes();
        if (parallel < 1 || parallel > 64 || refresh < 1) {
            throw new FlashgateException(ErrorCode.USAGE, file + ": parallel is 1 to 64 and refreshMinutes at least 1");
        }
        SessionOptions options = SessionOptions.DEFAULTS;
        if (json.stallTimeoutSeconds() != null) {
            if (json.stallTimeoutSeconds() < 1) {
                throw new FlashgateException(ErrorCode.USAGE, file + ": stallTimeoutSeconds is at least 1");
            }
            options = options.withStallTimeout(Duration.ofSeconds(json.stallTimeoutSeconds()));
        }
        if (json.retries() != null) {
            if (json.retries() < 0) {
                throw new FlashgateException(ErrorCode.USAGE, file + ": retries is at least 0");
            }
            options = options.withRetries(json.retries());
        }
        List<Path> trust = json.trust() == null ? List.of() : json.trust().stream().map(base::resolve).toList();
        return new StationPolicy(rules, parallel, Boolean.TRUE.equals(json.allowDowngrade()), Duration.ofMinutes(refresh), trust,
                options);
    }
}
