package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageBuilder;

/**
 * Builds an unsigned package: merges the template with the given fields, computes every file's
 * size and SHA-256 (never trusting the template's), checks the result against the format and
 * writes {@code manifest.json} followed by the artifacts.
 */
@Component(service = PackageBuilder.class)
public final class FgpPackageBuilder implements PackageBuilder {

    /** In a template artifact, the source file relative to the template (not written to the package). */
    public static final String TEMPLATE_FILE_FIELD = "file";

    private final Clock clock;

    public FgpPackageBuilder() {
        this(Clock.systemUTC());
    }

    public FgpPackageBuilder(Clock clock) {
        this.clock = clock;
    }

    private record Digest(long size, String sha256, long crc) {
    }

    @Override
    public Manifest pack(PackRequest request) throws FlashgateException {
        ObjectNode root = template(request.template());
        request.fields().forEach((key, value) -> set(root, key, value));
        if (!root.has("format")) {
            root.put("format", Manifest.FORMAT_1);
        }
        if (!root.has("created")) {
            root.put("created", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        }
        Map<String, PackRequest.Source> sources = sources(root, request);
        Map<String, ObjectNode> templateArtifacts = new LinkedHashMap<>();
        if (root.get("artifacts") instanceof ArrayNode list) {
            for (JsonNode a : list) {
                if (a instanceof ObjectNode o && o.get("path") != null) {
                    templateArtifacts.put(o.get("path").asText(), o);
                }
            }
        }
        Map<String, Digest> digests = new LinkedHashMap<>();
        ArrayNode artifacts = root.putArray("artifacts");
        for (PackRequest.Source source : sources.values()) {
            EntryNames.check(source.path());
            Digest d = digest(source.file());
            ObjectNode a = artifacts.addObject();
            a.put("path", source.path());
            a.put("size", d.size());
            a.put("sha256", d.sha256());
            ObjectNode fromTemplate = templateArtifacts.get(source.path());
            String type = source.type() != null ? source.type()
                    : fromTemplate != null && fromTemplate.hasNonNull("type") ? fromTemplate.get("type").asText() : null;
            if (type != null) {
                a.put("type", type);
            }
            if (fromTemplate != null) {
                fromTemplate.properties().forEach(field -> {
                    if (!a.has(field.getKey()) && !field.getKey().equals(TEMPLATE_FILE_FIELD)
                            && !field.getKey().equals("size") && !field.getKey().equals("sha256")) {
                        a.set(field.getKey(), field.getValue());
                    }
                });
            }
            digests.put(source.path(), d);
        }
        Manifest manifest = ManifestJson.parse(toBytes(root));
        byte[] manifestBytes = ManifestJson.write(manifest);
        try (PackageFileWriter out = new PackageFileWriter(request.output())) {
            out.addBytes(Manifest.ENTRY, manifestBytes, true);
            for (PackRequest.Source source : sources.values()) {
                Digest d = digests.get(source.path());
                out.addFile(source.path(), source.file(), d.size(), d.crc(), request.deflate());
            }
            out.commit();
        }
        return manifest;
    }

    private static ObjectNode template(Path template) throws FlashgateException {
        if (template == null) {
            return ManifestJson.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = ManifestJson.MAPPER.readTree(Files.readAllBytes(template));
            if (!(node instanceof ObjectNode object)) {
                throw new FlashgateException(ErrorCode.USAGE, template + " is not a JSON object");
            }
            return object;
        } catch (JsonProcessingException e) {
            throw new FlashgateException(ErrorCode.USAGE, template + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + template + ": " + e.getMessage());
        }
    }

    /** Files from the request, then template artifacts naming a {@code file} relative to the template. */
    private static Map<String, PackRequest.Source> sources(ObjectNode root, PackRequest request) throws FlashgateException {
        Map<String, PackRequest.Source> sources = new LinkedHashMap<>();
        if (request.template() != null && root.get("artifacts") instanceof ArrayNode list) {
            Path base = request.template().toAbsolutePath().getParent();
            for (JsonNode a : list) {
                JsonNode path = a.get("path");
                JsonNode file = a.get(TEMPLATE_FILE_FIELD);
                if (path != null && file != null && path.isTextual() && file.isTextual()) {
                    sources.put(path.textValue(), new PackRequest.Source(base.resolve(file.textValue()), path.textValue(),
                            a.hasNonNull("type") ? a.get("type").asText() : null));
                }
            }
        }
        for (PackRequest.Source s : request.files()) {
            sources.put(s.path(), s);
        }
        List<String> missing = new ArrayList<>();
        if (root.get("artifacts") instanceof ArrayNode list) {
            for (JsonNode a : list) {
                if (a.hasNonNull("path") && !sources.containsKey(a.get("path").asText())) {
                    missing.add(a.get("path").asText());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "the template lists " + missing + " but no file was given for them");
        }
        if (sources.isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "a package needs at least one artifact file");
        }
        return sources;
    }

    private static void set(ObjectNode root, String key, Object value) {
        ObjectNode node = root;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.get(parts[i]) instanceof ObjectNode child ? child : node.putObject(parts[i]);
        }
        String field = parts[parts.length - 1];
        switch (value) {
            case Long l -> node.put(field, l);
            case Integer i -> node.put(field, i);
            case List<?> list -> {
                ArrayNode array = node.putArray(field);
                list.forEach(item -> array.add(String.valueOf(item)));
            }
            default -> node.put(field, String.valueOf(value));
        }
    }

    private static Digest digest(Path file) throws FlashgateException {
        MessageDigest sha = ArtifactHasher.sha256();
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
                crc.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        return new Digest(size, HexFormat.of().formatHex(sha.digest()), crc.getValue());
    }

    private static byte[] toBytes(ObjectNode root) {
        try {
            return ManifestJson.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
