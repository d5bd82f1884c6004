package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemWriter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;

/** Vendor keys and certificates: generated with the JDK, certified and PEM-encoded with Bouncy Castle. */
@Component(service = SigningKeys.class)
public final class PemSigningKeys implements SigningKeys {

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    @Activate
    public PemSigningKeys() {
        this(Clock.systemUTC());
    }

    public PemSigningKeys(Clock clock) {
        this.clock = clock;
    }

    @Override
    public SigningCredentials generate(KeyRequest request) throws FlashgateException {
        try {
            KeyPair pair = keyPair(request.keyType());
            X500Name subject = name(request.subject());
            PrivateKey issuerKey = request.issuer() == null ? pair.getPrivate() : request.issuer().key();
            X509Certificate issuerCert = request.issuer() == null ? null : request.issuer().certificate();
            X500Name issuer = issuerCert == null ? subject : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
            Instant now = clock.instant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(127, random).add(BigInteger.ONE),
                    Date.from(now.minusSeconds(300)), Date.from(now.plus(request.validity())), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(request.ca()));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(request.ca()
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                    : KeyUsage.digitalSignature));
            if (!request.ca()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? ext.createAuthorityKeyIdentifier(pair.getPublic())
                    : ext.createAuthorityKeyIdentifier(issuerCert));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(CmsPackageSigner.signatureAlgorithm(issuerKey)).build(issuerKey)));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(cert);
            if (request.issuer() != null) {
                chain.addAll(request.issuer().chain());
            }
            return new SigningCredentials(pair.getPrivate(), chain);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new FlashgateException(ErrorCode.INTERNAL, "key generation failed: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair(KeyRequest.KeyType type) throws GeneralSecurityException {
        KeyPairGenerator generator;
        switch (type) {
            case EC_P256, EC_P384 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec(type == KeyRequest.KeyType.EC_P256 ? "secp256r1" : "secp384r1"));
            }
            case RSA_3072 -> {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(3072);
            }
            case ED25519 -> generator = KeyPairGenerator.getInstance("Ed25519");
            default -> throw new IllegalArgumentException(type.name());
        }
        return generator.generateKeyPair();
    }

    private static X500Name name(String subject) throws FlashgateException {
        try {
            // Parsed as RFC 2253 by the JDK, so "CN=x, O=y" is encoded with O first and prints back as written.
            return X500Name.getInstance(new X500Principal(subject.contains("=") ? subject : "CN=" + subject).getEncoded());
        } catch (IllegalArgumentException e) {
            throw new FlashgateException(ErrorCode.USAGE, "'" + subject + "' is not a distinguished name such as 'CN=Vendor, O=Example'");
        }
    }

    @Override
    public void write(SigningCredentials credentials, Path keyPem, Path certPem) throws FlashgateException {
        StringWriter key = new StringWriter();
        try (PemWriter pem = new PemWriter(key)) {
            pem.writeObject(new JcaPKCS8Generator(credentials.key(), null).generate());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.INTERNAL, "cannot encode the key: " + e.getMessage(), e);
        }
        writeAtomically(keyPem, key.toString(), true);
        writeAtomically(certPem, PemCertificates.toPem(credentials.chain()), false);
    }

    private static void writeAtomically(Path target, String text, boolean secret) throws FlashgateException {
        try {
            AtomicFiles.writeString(target, text, secret ? "rw-------" : "rw-r--r--");
        } catch (IOException e) {
            throw PackageFileWriter.hostError(e);
        }
    }

    @Override
    public SigningCredentials read(Path keyPem, Path certPem, Path chainPem) throws FlashgateException {
        List<X509Certificate> chain = new ArrayList<>(PemCertificates.read(certPem));
        if (chainPem != null) {
            for (X509Certificate c : PemCertificates.read(chainPem)) {
                if (!chain.contains(c)) {
                    chain.add(c);
                }
            }
        }
        return new SigningCredentials(readKey(keyPem), chain);
    }

    private PrivateKey readKey(Path keyPem) throws FlashgateException {
        try (Reader reader = Files.newBufferedReader(keyPem, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                switch (o) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PKCS8EncryptedPrivateKeyInfo encrypted -> throw new FlashgateException(ErrorCode.USAGE, keyPem
                            + " is encrypted; decrypt it for signing (openssl pkey -in KEY -out PLAIN) or sign on the HSM");
                    default -> {
                        // EC PARAMETERS and other blocks before the key
                    }
                }
            }
            throw new FlashgateException(ErrorCode.USAGE, keyPem + " holds no private key");
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read the key " + keyPem + ": " + e.getMessage());
        }
    }
}
