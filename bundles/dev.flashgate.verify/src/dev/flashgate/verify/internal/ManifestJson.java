package dev.flashgate.verify.internal;

import static dev.flashgate.core.ErrorCode.MANIFEST_INVALID;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.Target;

/** Reads and writes {@code manifest.json}, format 1, strictly: wrong types are errors, not guesses. */
public final class ManifestJson {

    public static final int MAX_BYTES = 1 << 20;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern RFC3339_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Set<String> TOP = Set.of("format", "vendor", "title", "version", "versionCode",
            "securityVersion", "created", "expires", "target", "artifacts", "notes");
    private static final Set<String> TARGET = Set.of("plugin", "chipset", "models", "hardwareRevisions");
    private static final Set<String> ARTIFACT = Set.of("path", "size", "sha256", "type");

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ManifestJson() {
    }

    public static Manifest parse(byte[] bytes) throws FlashgateException {
        if (bytes.length > MAX_BYTES) {
            throw new FlashgateException(ErrorCode.PKG_TOO_LARGE, "manifest.json is larger than 1 MiB");
        }
        JsonNode root = readTree(bytes);
        if (!root.isObject()) {
            throw invalid("the manifest is not a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual()) {
            throw invalid("'format' is missing");
        }
        if (!Manifest.FORMAT_1.equals(format.textValue())) {
            throw new FlashgateException(ErrorCode.MANIFEST_UNSUPPORTED_FORMAT,
                    "format '" + EntryNames.printable(format.textValue()) + "'; this Flashgate reads " + Manifest.FORMAT_1);
        }
        JsonNode targetNode = root.get("target");
        if (targetNode == null || !targetNode.isObject()) {
            throw invalid("'target' is missing or not an object");
        }
        Target target = new Target(
                requiredText(targetNode, "plugin", "target.plugin"),
                optionalText(targetNode, "chipset", "target.chipset"),
                textList(targetNode, "models", "target.models", true),
                textList(targetNode, "hardwareRevisions", "target.hardwareRevisions", false),
                extra(targetNode, TARGET));
        return new Manifest(
                format.textValue(),
                requiredText(root, "vendor", "vendor"),
                optionalText(root, "title", "title"),
                requiredText(root, "version", "version"),
                count(root, "versionCode", true),
                count(root, "securityVersion", false),
                instant(root, "created"),
                instant(root, "expires"),
                target,
                artifacts(root),
                optionalText(root, "notes", "notes"),
                extra(root, TOP));
    }

    private static JsonNode readTree(byte[] bytes) throws FlashgateException {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw invalid("manifest.json is not valid UTF-8");
        }
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            throw invalid("manifest.json starts with a byte order mark");
        }
        try (JsonParser parser = MAPPER.createParser(bytes)) {
            JsonNode node = MAPPER.readTree(parser);
            if (node == null || node.isMissingNode()) {
                throw invalid("manifest.json is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("not valid JSON: " + e.getMessage());
        }
    }

    private static List<Artifact> artifacts(JsonNode root) throws FlashgateException {
        JsonNode list = root.get("artifacts");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw invalid("'artifacts' is missing or empty");
        }
        List<Artifact> artifacts = new ArrayList<>(list.size());
        List<String> paths = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = "artifacts[" + i + "]";
            if (!a.isObject()) {
                throw invalid(where + " is not an object");
            }
            String path = requiredText(a, "path", where + ".path");
            EntryNames.check(path);
            if (path.endsWith("/") || path.equals(Manifest.ENTRY) || path.equals(Manifest.SIGNATURE_ENTRY)) {
                throw new FlashgateException(ErrorCode.PKG_BAD_ENTRY_NAME, where + ".path '" + path + "' cannot be an artifact");
            }
            JsonNode sha = a.get("sha256");
            if (sha == null || !sha.isTextual() || !SHA256.matcher(sha.textValue()).matches()) {
                throw invalid(where + " (" + path + "): 'sha256' is missing or not 64 lowercase hex digits");
            }
            artifacts.add(new Artifact(path, count(a, "size", true, where + ".size"), sha.textValue(),
                    optionalText(a, "type", where + ".type"), extra(a, ARTIFACT)));
            paths.add(path);
        }
        EntryNames.checkUnique(paths);
        return artifacts;
    }

    private static String requiredText(JsonNode node, String field, String where) throws FlashgateException {
        String value = optionalText(node, field, where);
        if (value == null || value.isBlank()) {
            throw invalid("'" + where + "' is required");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field, String where) throws FlashgateException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("'" + where + "' must be a string");
        }
        return value.textValue();
    }

    private static List<String> textList(JsonNode node, String field, String where, boolean required) throws FlashgateException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid("'" + where + "' is required");
            }
            return List.of();
        }
        if (!value.isArray() || (required && value.isEmpty())) {
            throw invalid("'" + where + "' must be a " + (required ? "non-empty " : "") + "list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw invalid("'" + where + "' must be a list of non-empty strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    private static long count(JsonNode node, String field, boolean required) throws FlashgateException {
        return count(node, field, required, field);
    }

    private static long count(JsonNode node, String field, boolean required, String where) throws FlashgateException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw invalid("'" + where + "' is required");
            }
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw invalid("'" + where + "' must be a whole number >= 0");
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode node, String field) throws FlashgateException {
        String text = optionalText(node, field, field);
        if (text == null) {
            return null;
        }
        if (!RFC3339_UTC.matcher(text).matches()) {
            throw invalid("'" + field + "' must be an RFC 3339 UTC time such as 2026-10-01T12:00:00Z");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid("'" + field + "' is not a valid time: " + text);
        }
    }

    private static Map<String, Object> extra(JsonNode node, Set<String> known) {
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!known.contains(field.getKey()) && !field.getValue().isNull()) {
                extra.put(field.getKey(), MAPPER.convertValue(field.getValue(), Object.class));
            }
        }
        return extra;
    }

    private static FlashgateException invalid(String detail) {
        return new FlashgateException(MANIFEST_INVALID, detail);
    }

    /** The manifest as JSON, fields in the spec's order, unknown fields after the known ones. */
    public static byte[] write(Manifest m) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", m.format());
        root.put("vendor", m.vendor());
        putIfPresent(root, "title", m.title());
        root.put("version", m.version());
        root.put("versionCode", m.versionCode());
        root.put("securityVersion", m.securityVersion());
        putIfPresent(root, "created", m.created() == null ? null : m.created().toString());
        putIfPresent(root, "expires", m.expires() == null ? null : m.expires().toString());
        ObjectNode target = root.putObject("target");
        target.put("plugin", m.target().plugin());
        putIfPresent(target, "chipset", m.target().chipset());
        m.target().models().forEach(target.putArray("models")::add);
        if (!m.target().hardwareRevisions().isEmpty()) {
            m.target().hardwareRevisions().forEach(target.putArray("hardwareRevisions")::add);
        }
        m.target().extra().forEach((k, v) -> target.set(k, MAPPER.valueToTree(v)));
        ArrayNode artifacts = root.putArray("artifacts");
        for (Artifact a : m.artifacts()) {
            ObjectNode node = artifacts.addObject();
            node.put("path", a.path());
            node.put("size", a.size());
            node.put("sha256", a.sha256());
            putIfPresent(node, "type", a.type());
            a.extra().forEach((k, v) -> node.set(k, MAPPER.valueToTree(v)));
        }
        putIfPresent(root, "notes", m.notes());
        m.extra().forEach((k, v) -> root.set(k, MAPPER.valueToTree(v)));
        try {
            byte[] json = MAPPER.writeValueAsBytes(root);
            byte[] withNewline = Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest cannot be written", e);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
