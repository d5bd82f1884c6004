package dev.flashgate.repository.internal;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.repository.Role;

/** {@code root.json}: the keys of every role and how many of them must sign. */
record RootMetadata(long version, Instant expires, Map<String, TufKey> keys, Map<Role, RoleKeys> roles,
        boolean consistentSnapshot) {

    record RoleKeys(Set<String> keyIds, int threshold) {
    }

    static RootMetadata of(Signed file) throws MetadataException {
        JsonNode signed = file.signed();
        Map<String, TufKey> keys = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = Fields.object(signed, "keys").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> key = it.next();
            keys.put(key.getKey(), TufKey.parse(key.getKey(), key.getValue()));
        }
        JsonNode rolesNode = Fields.object(signed, "roles");
        Map<Role, RoleKeys> roles = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            JsonNode entry = Fields.object(rolesNode, role.id());
            long threshold = Fields.positive(entry, "threshold");
            JsonNode ids = entry.get("keyids");
            if (ids == null || !ids.isArray()) {
                throw new MetadataException("role " + role.id() + " has no keyids");
            }
            Set<String> keyIds = new LinkedHashSet<>();
            for (JsonNode id : ids) {
                if (!id.isTextual() || !keys.containsKey(id.textValue())) {
                    throw new MetadataException("role " + role.id() + " names a key the root does not list: " + id);
                }
                keyIds.add(id.textValue());
            }
            if (threshold > keyIds.size()) {
                throw new MetadataException("role " + role.id() + " needs " + threshold + " signatures of "
                        + keyIds.size() + " keys: it can never be signed");
            }
            roles.put(role, new RoleKeys(Set.copyOf(keyIds), (int) threshold));
        }
        JsonNode consistent = signed.get("consistent_snapshot");
        return new RootMetadata(file.version(), file.expires(), Map.copyOf(keys), roles,
                consistent != null && consistent.asBoolean(false));
    }

    ObjectNode toJson() {
        ObjectNode signed = Signed.header(Role.ROOT, version, expires);
        signed.put("consistent_snapshot", consistentSnapshot);
        ObjectNode keysNode = signed.putObject("keys");
        keys.forEach((id, key) -> keysNode.set(id, key.json()));
        ObjectNode rolesNode = signed.putObject("roles");
        roles.forEach((role, entry) -> {
            ObjectNode node = rolesNode.putObject(role.id());
            entry.keyIds().stream().sorted().forEach(node.putArray("keyids")::add);
            node.put("threshold", entry.threshold());
        });
        return signed;
    }
}
