package dev.flashgate.repository.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.repository.Role;

/**
 * A metadata file: the {@code signed} object of one role and the signatures over its canonical
 * form. Parsing checks the envelope and the common header; {@link #checkSignatures} the threshold.
 */
record Signed(Role role, long version, Instant expires, JsonNode signed, byte[] canonical, List<Signature> signatures) {

    static final String SPEC_VERSION = "1.0.31";
    private static final HexFormat HEX = HexFormat.of();

    record Signature(String keyId, byte[] value) {
    }

    static Signed parse(byte[] file, Role expected) throws MetadataException {
        JsonNode root;
        try {
            root = Canonical.parse(file);
        } catch (IOException e) {
            throw new MetadataException(expected.id() + " metadata is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MetadataException(expected.id() + " metadata is not a JSON object");
        }
        JsonNode signed = Fields.object(root, "signed");
        String type = Fields.text(signed, "_type");
        if (!expected.id().equals(type)) {
            throw new MetadataException("expected " + expected.id() + " metadata, found '" + type + "'");
        }
        String spec = Fields.text(signed, "spec_version");
        if (!spec.startsWith("1.")) {
            throw new MetadataException(type + " metadata has spec_version " + spec + "; only 1.x is supported");
        }
        JsonNode sigs = root.get("signatures");
        if (sigs == null || !sigs.isArray()) {
            throw new MetadataException(type + " metadata has no signatures array");
        }
        List<Signature> signatures = new ArrayList<>();
        for (JsonNode sig : sigs) {
            try {
                signatures.add(new Signature(Fields.text(sig, "keyid"), HEX.parseHex(Fields.text(sig, "sig"))));
            } catch (IllegalArgumentException e) {
                throw new MetadataException(type + " metadata has a signature that is not hex");
            }
        }
        byte[] canonical;
        try {
            canonical = Canonical.bytes(signed);
        } catch (IllegalArgumentException e) {
            throw new MetadataException(type + " metadata is not canonical JSON: " + e.getMessage());
        }
        return new Signed(expected, Fields.positive(signed, "version"), Fields.instant(signed, "expires"), signed,
                canonical, List.copyOf(signatures));
    }

    /**
     * Counts the distinct keys of {@code role} in {@code root} that signed this; fewer than the
     * role's threshold is a {@link ThresholdException}. Unknown key ids and bad signatures count for nothing.
     */
    void checkSignatures(RootMetadata root) throws ThresholdException {
        RootMetadata.RoleKeys keys = root.roles().get(role);
        Set<String> valid = new HashSet<>();
        for (Signature signature : signatures) {
            TufKey key = root.keys().get(signature.keyId());
            if (key != null && keys.keyIds().contains(key.id()) && key.verify(canonical, signature.value())) {
                valid.add(key.id());
            }
        }
        if (valid.size() < keys.threshold()) {
            throw new ThresholdException(role.id() + " version " + version + " has " + valid.size() + " valid signature(s) of "
                    + keys.threshold() + " needed by root version " + root.version());
        }
    }

    /** The file bytes of {@code signed} with the signatures of {@code signers} added to {@code earlier}. */
    static byte[] write(ObjectNode signed, List<Signature> earlier, List<SigningKey> signers) {
        byte[] canonical = Canonical.bytes(signed);
        ObjectNode file = Canonical.MAPPER.createObjectNode();
        ArrayNode sigs = file.putArray("signatures");
        Set<String> done = new HashSet<>();
        for (SigningKey signer : signers) {
            if (done.add(signer.publicKey().id())) {
                sigs.addObject().put("keyid", signer.publicKey().id()).put("sig", HEX.formatHex(signer.sign(canonical)));
            }
        }
        for (Signature signature : earlier) {
            if (done.add(signature.keyId())) {
                sigs.addObject().put("keyid", signature.keyId()).put("sig", HEX.formatHex(signature.value()));
            }
        }
        file.set("signed", signed);
        return Canonical.pretty(file);
    }

    /** The common header of a role's {@code signed} object. */
    static ObjectNode header(Role role, long version, Instant expires) {
        ObjectNode signed = Canonical.MAPPER.createObjectNode();
        signed.put("_type", role.id()).put("spec_version", SPEC_VERSION).put("version", version)
                .put("expires", expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return signed;
    }
}
