package dev.flashgate.core.pkg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to pack: an optional manifest template (JSON, {@code null} for none), field values that
 * override it, keyed by manifest path such as {@code "vendor"} or {@code "target.models"} (values
 * are String, Long or List&lt;String&gt;), the files to include, and the output file.
 * Sizes and hashes are always computed, never taken from the template.
 */
public record PackRequest(Path template, Map<String, Object> fields, List<Source> files, Path output,
        boolean deflate) {

    public PackRequest {
        fields = Map.copyOf(fields);
        files = List.copyOf(files);
        Objects.requireNonNull(output, "output");
    }

    /** A file to include as entry {@code path}; {@code type} may be {@code null}. */
    public record Source(Path file, String path, String type) {
        public Source {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(path, "path");
        }
    }
}
