package dev.flashgate.repository.internal;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Canonical JSON as TUF signs it (OLPC canonical JSON, as securesystemslib writes it): keys sorted,
 * no insignificant whitespace, integers only. Strings with control characters are refused because
 * the two encoders would escape them differently; so is anything canonical JSON cannot express.
 */
final class Canonical {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();
    private static final ObjectWriter SORTED = MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final ObjectWriter PRETTY = SORTED.with(SerializationFeature.INDENT_OUTPUT);

    private Canonical() {
    }

    /** Parses JSON strictly (duplicate keys and trailing data are errors). */
    static JsonNode parse(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    /** The canonical bytes of {@code node}, the bytes signatures are made over. */
    static byte[] bytes(JsonNode node) {
        check(node);
        try {
            return SORTED.writeValueAsBytes(MAPPER.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A readable (indented, sorted) form for files people look at; signatures never cover it. */
    static byte[] pretty(JsonNode node) {
        check(node);
        try {
            return PRETTY.writeValueAsBytes(MAPPER.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void check(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            throw new IllegalArgumentException("canonical JSON has no fractional numbers: " + node);
        }
        if (node.isTextual()) {
            checkText(node.textValue());
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                checkText(field.getKey());
                check(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(Canonical::check);
        }
    }

    private static void checkText(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x20) {
                throw new IllegalArgumentException("control character in a string of canonical JSON");
            }
        }
    }
}
