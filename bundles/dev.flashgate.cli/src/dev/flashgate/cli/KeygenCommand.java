package dev.flashgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.SigningCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flashgate keygen}: a vendor signing key with a code-signing certificate, or a CA. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create a vendor key and code-signing certificate (self-signed, or issued by a CA), or a CA with --ca.")
final class KeygenCommand implements Callable<Integer> {

    enum Type {
        ec_p256(KeyRequest.KeyType.EC_P256), ec_p384(KeyRequest.KeyType.EC_P384), rsa_3072(KeyRequest.KeyType.RSA_3072),
        ed25519(KeyRequest.KeyType.ED25519);

        final KeyRequest.KeyType keyType;

        Type(KeyRequest.KeyType keyType) {
            this.keyType = keyType;
        }
    }

    @Option(names = "--subject", required = true, paramLabel = "DN", description = "Subject, e.g. 'CN=ZTE Firmware Signing, O=ZTE'.")
    String subject;

    @Option(names = "--type", defaultValue = "ec_p256", description = "Key type: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Type type;

    @Option(names = "--days", defaultValue = "1095", description = "Validity in days (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--ca", description = "Create a CA certificate that issues signing certificates.")
    boolean ca;

    @Option(names = "--issuer-key", paramLabel = "KEY.pem", description = "Key of the issuing CA (default: self-signed).")
    Path issuerKey;

    @Option(names = "--issuer-cert", paramLabel = "CERT.pem", description = "Certificate of the issuing CA.")
    Path issuerCert;

    @Option(names = "--key-out", required = true, paramLabel = "KEY.pem", description = "Where to write the private key.")
    Path keyOut;

    @Option(names = "--cert-out", required = true, paramLabel = "CERT.pem", description = "Where to write the certificate (chain).")
    Path certOut;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    private final Services services;

    KeygenCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException {
        if (days <= 0) {
            throw new FlashgateException(ErrorCode.USAGE, "--days must be positive");
        }
        if (!force && (Files.exists(keyOut) || Files.exists(certOut))) {
            throw new FlashgateException(ErrorCode.USAGE, keyOut + " or " + certOut + " exists; use --force to replace it");
        }
        if ((issuerKey == null) != (issuerCert == null)) {
            throw new FlashgateException(ErrorCode.USAGE, "--issuer-key and --issuer-cert go together");
        }
        SigningCredentials issuer = issuerKey == null ? null : services.keys().read(issuerKey, issuerCert, null);
        SigningCredentials made = services.keys().generate(new KeyRequest(subject, type.keyType, Duration.ofDays(days), ca, issuer));
        services.keys().write(made, keyOut, certOut);
        CertificateInfo info = CertificateInfo.of(made.certificate());
        services.terminal().out().printf("%s %s%n  key         %s%n  certificate %s%n  SHA-256     %s%n  valid until %s%n",
                ca ? "CA" : "signing key", info.subject(), keyOut, certOut, info.sha256Fingerprint(), info.notAfter());
        return 0;
    }
}
