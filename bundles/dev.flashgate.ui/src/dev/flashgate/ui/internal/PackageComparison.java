package dev.flashgate.ui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.Manifest;

/** Two manifests side by side: their fields, and their artifacts added, removed, changed or the same. */
record PackageComparison(List<Field> fields, List<ArtifactChange> artifacts) {

    record Field(String name, String left, String right) {
        boolean differs() {
            return !Objects.equals(left, right);
        }
    }

    enum Change {
        ADDED, REMOVED, CHANGED, SAME
    }

    /** An artifact path and how it differs; {@code left}/{@code right} describe it in each package ("" where absent). */
    record ArtifactChange(String path, Change change, String left, String right) {
    }

    static PackageComparison of(Manifest left, Manifest right) {
        Map<String, Function<Manifest, Object>> fields = new LinkedHashMap<>();
        fields.put("vendor", Manifest::vendor);
        fields.put("title", Manifest::title);
        fields.put("version", Manifest::version);
        fields.put("versionCode", Manifest::versionCode);
        fields.put("securityVersion", Manifest::securityVersion);
        fields.put("target.plugin", m -> m.target().plugin());
        fields.put("target.chipset", m -> m.target().chipset());
        fields.put("target.models", m -> String.join(", ", m.target().models()));
        fields.put("target.hardwareRevisions", m -> String.join(", ", m.target().hardwareRevisions()));
        fields.put("created", Manifest::created);
        fields.put("expires", Manifest::expires);
        fields.put("artifacts", m -> m.artifacts().size() + " (" + m.totalArtifactBytes() + " bytes)");
        List<Field> rows = new ArrayList<>();
        fields.forEach((name, get) -> rows.add(new Field(name, text(get.apply(left)), text(get.apply(right)))));

        Map<String, Artifact> a = byPath(left);
        Map<String, Artifact> b = byPath(right);
        List<ArtifactChange> changes = new ArrayList<>();
        for (String path : new TreeSet<>(union(a, b))) {
            Artifact x = a.get(path);
            Artifact y = b.get(path);
            Change change = x == null ? Change.ADDED : y == null ? Change.REMOVED
                    : x.sha256().equals(y.sha256()) && x.size() == y.size() && Objects.equals(x.type(), y.type()) ? Change.SAME
                            : Change.CHANGED;
            changes.add(new ArtifactChange(path, change, describe(x), describe(y)));
        }
        return new PackageComparison(List.copyOf(rows), List.copyOf(changes));
    }

    private static java.util.Set<String> union(Map<String, Artifact> a, Map<String, Artifact> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a.keySet());
        all.addAll(b.keySet());
        return all;
    }

    private static Map<String, Artifact> byPath(Manifest m) {
        Map<String, Artifact> map = new LinkedHashMap<>();
        m.artifacts().forEach(x -> map.put(x.path(), x));
        return map;
    }

    private static String describe(Artifact x) {
        return x == null ? "" : x.type() + ", " + x.size() + " bytes, SHA-256 " + x.sha256().substring(0, Math.min(16, x.sha256().length()));
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }
}
