package dev.flashgate.repository.internal;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A public key as TUF metadata lists it: {@code ed25519} (raw key in hex) or
 * {@code ecdsa-sha2-nistp256} (PEM). Its id is the SHA-256 of its canonical JSON, checked on
 * reading so that one key cannot pose as two.
 */
record TufKey(String id, String type, String scheme, PublicKey key, ObjectNode json) {

    static final String ED25519 = "ed25519";
    static final String ECDSA_P256 = "ecdsa-sha2-nistp256";
    private static final HexFormat HEX = HexFormat.of();

    static TufKey parse(String id, JsonNode json) throws MetadataException {
        if (!(json instanceof ObjectNode object)) {
            throw new MetadataException("key " + id + " is not an object");
        }
        String type = Fields.text(json, "keytype");
        String scheme = Fields.text(json, "scheme");
        String material = Fields.text(Fields.object(json, "keyval"), "public");
        PublicKey key;
        try {
            if (ED25519.equals(type) && ED25519.equals(scheme)) {
                byte[] raw = HEX.parseHex(material);
                if (raw.length != 32) {
                    throw new MetadataException("ed25519 key " + id + " is not 32 bytes");
                }
                SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw);
                key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
            } else if ((ECDSA_P256.equals(type) || "ecdsa".equals(type)) && ECDSA_P256.equals(scheme)) {
                PemObject pem = new PemReader(new StringReader(material)).readPemObject();
                if (pem == null) {
                    throw new MetadataException("ecdsa key " + id + " is not PEM");
                }
                key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem.getContent()));
            } else {
                throw new MetadataException("key " + id + " has an unsupported type " + type + "/" + scheme);
            }
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw new MetadataException("key " + id + " cannot be read: " + e.getMessage());
        }
        String computed = idOf(object);
        if (!computed.equals(id)) {
            throw new MetadataException("key id " + id + " is not the hash of its key (" + computed + ")");
        }
        return new TufKey(id, type, scheme, key, object);
    }

    /** The metadata entry of an Ed25519 key made by the JDK. */
    static TufKey ofEd25519(PublicKey key) {
        byte[] raw = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getBytes();
        ObjectNode json = Canonical.MAPPER.createObjectNode();
        json.put("keytype", ED25519).put("scheme", ED25519).putObject("keyval").put("public", HEX.formatHex(raw));
        return new TufKey(idOf(json), ED25519, ED25519, key, json);
    }

    boolean verify(byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ED25519.equals(type) ? "Ed25519" : "SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String idOf(ObjectNode json) {
        return Sha256.of(Canonical.bytes(json));
    }
}
