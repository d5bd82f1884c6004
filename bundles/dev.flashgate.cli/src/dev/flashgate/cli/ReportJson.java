package dev.flashgate.cli;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.ArtifactResult;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.EntryInfo;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.pkg.SignatureInfo;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.Verdict;

/** Machine output ({@code --json}): a stable shape, fields named as in the package format. */
final class ReportJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    static ObjectNode report(VerificationReport r, boolean full) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("package", r.source().toString());
        root.put("verified", r.verified());
        if (r.verdict() instanceof Verdict.Rejected rejected) {
            root.set("error", error(rejected.code(), rejected.detail()));
        }
        root.put("elapsedMillis", r.elapsed().toMillis());
        root.put("size", r.packageSize());
        if (full) {
            ArrayNode entries = root.putArray("entries");
            for (EntryInfo e : r.entries()) {
                entries.addObject().put("name", e.name()).put("size", e.size()).put("compressedSize", e.compressedSize())
                        .put("method", e.compressed() ? "deflated" : "stored").put("directory", e.directory());
            }
        }
        if (r.signature() != null) {
            root.set("signature", signature(r.signature()));
        }
        if (r.manifest() != null) {
            root.put("manifestAuthenticated", r.manifestTrusted());
            root.set("manifest", manifest(r.manifest()));
        }
        ArrayNode artifacts = root.putArray("artifacts");
        for (ArtifactResult a : r.artifacts()) {
            ObjectNode node = artifacts.addObject().put("path", a.artifact().path()).put("status", a.status().name());
            if (a.actualSha256() != null) {
                node.put("actualSha256", a.actualSha256()).put("actualSize", a.actualSize());
            }
        }
        return root;
    }

    static ObjectNode error(ErrorCode code, String detail) {
        return MAPPER.createObjectNode().put("code", code.name()).put("exitStatus", code.exitStatus())
                .put("detail", detail).put("symptom", code.symptom()).put("cause", code.cause())
                .put("resolution", code.resolution());
    }

    static ObjectNode manifest(Manifest m) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("format", m.format()).put("vendor", m.vendor()).put("title", m.title()).put("version", m.version())
                .put("versionCode", m.versionCode()).put("securityVersion", m.securityVersion())
                .put("created", m.created() == null ? null : m.created().toString())
                .put("expires", m.expires() == null ? null : m.expires().toString());
        ObjectNode target = node.putObject("target").put("plugin", m.target().plugin()).put("chipset", m.target().chipset());
        m.target().models().forEach(target.putArray("models")::add);
        m.target().hardwareRevisions().forEach(target.putArray("hardwareRevisions")::add);
        target.set("unknownFields", MAPPER.valueToTree(m.target().extra()));
        ArrayNode artifacts = node.putArray("artifacts");
        m.artifacts().forEach(a -> artifacts.addObject().put("path", a.path()).put("size", a.size()).put("sha256", a.sha256())
                .put("type", a.type()).set("unknownFields", MAPPER.valueToTree(a.extra())));
        node.put("notes", m.notes());
        node.set("unknownFields", MAPPER.valueToTree(m.extra()));
        return node;
    }

    static ObjectNode signature(SignatureInfo s) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("digestAlgorithm", s.digestAlgorithm()).put("signatureAlgorithm", s.signatureAlgorithm())
                .put("signingTime", s.signingTime() == null ? null : s.signingTime().toString());
        node.set("signer", certificate(s.signer()));
        node.put("trusted", !s.chain().isEmpty());
        node.set("chain", certificates(s.chain()));
        node.set("carried", certificates(s.carried()));
        return node;
    }

    static ArrayNode certificates(List<CertificateInfo> certs) {
        ArrayNode list = MAPPER.createArrayNode();
        certs.forEach(c -> list.add(certificate(c)));
        return list;
    }

    static ObjectNode certificate(CertificateInfo c) {
        ObjectNode node = MAPPER.createObjectNode().put("subject", c.subject()).put("issuer", c.issuer())
                .put("serial", c.serial()).put("notBefore", c.notBefore().toString()).put("notAfter", c.notAfter().toString())
                .put("sha256Fingerprint", c.sha256Fingerprint()).put("keyAlgorithm", c.keyAlgorithm()).put("ca", c.ca());
        c.keyUsage().forEach(node.putArray("keyUsage")::add);
        c.extendedKeyUsage().forEach(node.putArray("extendedKeyUsage")::add);
        return node;
    }

    static String text(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
