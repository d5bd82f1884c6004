package dev.flashgate.repository.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a role says of another role's file: its version and, optionally, its length and SHA-256
 * ({@code length} 0 and {@code sha256} {@code null} when not given).
 */
record MetaFile(long version, long length, String sha256) {

    static MetaFile of(JsonNode node) throws MetadataException {
        long length = node.has("length") ? Fields.positive(node, "length") : 0;
        String sha256 = null;
        if (node.has("hashes")) {
            sha256 = Fields.text(Fields.object(node, "hashes"), "sha256");
        }
        return new MetaFile(Fields.positive(node, "version"), length, sha256);
    }

    ObjectNode toJson() {
        ObjectNode node = Canonical.MAPPER.createObjectNode().put("version", version);
        if (length > 0) {
            node.put("length", length);
        }
        if (sha256 != null) {
            node.putObject("hashes").put("sha256", sha256);
        }
        return node;
    }
}
