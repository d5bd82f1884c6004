package dev.flashgate.repository.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.repository.RepositoryTarget;
import dev.flashgate.core.repository.Role;

/**
 * {@code targets.json}: every package with its length and SHA-256, and in {@code custom} what the
 * package's manifest says it is for. Delegations are not supported and refused.
 */
record TargetsMetadata(long version, Instant expires, Map<String, RepositoryTarget> targets) {

    /** Target names are package file names: they become file names in the station's cache. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,199}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    static TargetsMetadata of(Signed file) throws MetadataException {
        JsonNode signed = file.signed();
        if (signed.has("delegations") && !signed.get("delegations").path("roles").isEmpty()) {
            throw new MetadataException("targets metadata delegates to other roles; delegations are not supported");
        }
        Map<String, RepositoryTarget> targets = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = Fields.object(signed, "targets").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            targets.put(entry.getKey(), target(entry.getKey(), entry.getValue()));
        }
        return new TargetsMetadata(file.version(), file.expires(), Map.copyOf(targets));
    }

    static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.contains("..");
    }

    private static RepositoryTarget target(String name, JsonNode node) throws MetadataException {
        if (!validName(name)) {
            throw new MetadataException("target name '" + name + "' is not a plain package file name");
        }
        String sha256 = Fields.text(Fields.object(node, "hashes"), "sha256");
        if (!SHA256.matcher(sha256).matches()) {
            throw new MetadataException("target " + name + " has a malformed sha256");
        }
        long length = Fields.natural(node, "length");
        JsonNode custom = node.path("custom");
        List<String> models = new ArrayList<>();
        custom.path("models").forEach(model -> models.add(model.asText()));
        return new RepositoryTarget(name, length, sha256, custom.path("vendor").asText(null),
                custom.path("firmwareVersion").asText(null), custom.path("versionCode").asLong(0),
                custom.path("plugin").asText(null), models);
    }

    ObjectNode toJson() {
        ObjectNode signed = Signed.header(Role.TARGETS, version, expires);
        ObjectNode all = signed.putObject("targets");
        targets.forEach((name, target) -> {
            ObjectNode node = all.putObject(name);
            node.put("length", target.length());
            node.putObject("hashes").put("sha256", target.sha256());
            ObjectNode custom = node.putObject("custom");
            if (target.vendor() != null) {
                custom.put("vendor", target.vendor());
            }
            if (target.firmwareVersion() != null) {
                custom.put("firmwareVersion", target.firmwareVersion());
            }
            custom.put("versionCode", target.versionCode());
            if (target.plugin() != null) {
                custom.put("plugin", target.plugin());
            }
            target.models().forEach(custom.putArray("models")::add);
        });
        return signed;
    }
}
