package dev.flashgate.repository.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed access to required metadata fields: a missing or mistyped field is a {@link MetadataException}. */
final class Fields {

    private Fields() {
    }

    static JsonNode object(JsonNode node, String field) throws MetadataException {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new MetadataException("'" + field + "' is missing or not an object");
        }
        return value;
    }

    static String text(JsonNode node, String field) throws MetadataException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new MetadataException("'" + field + "' is missing or not a string");
        }
        return value.textValue();
    }

    static long positive(JsonNode node, String field) throws MetadataException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1) {
            throw new MetadataException("'" + field + "' is missing or not a positive integer");
        }
        return value.longValue();
    }

    static long natural(JsonNode node, String field) throws MetadataException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new MetadataException("'" + field + "' is missing or negative");
        }
        return value.longValue();
    }

    static Instant instant(JsonNode node, String field) throws MetadataException {
        String text = text(node, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MetadataException("'" + field + "' is not a UTC date-time: " + text);
        }
    }
}
