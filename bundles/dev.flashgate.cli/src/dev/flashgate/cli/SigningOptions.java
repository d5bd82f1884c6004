package dev.flashgate.cli;

import java.nio.file.Path;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;
import picocli.CommandLine.Option;

/** {@code --key K --cert C [--chain F]}: a vendor signing identity in PEM files. */
final class SigningOptions {
    @Option(names = "--key", paramLabel = "KEY.pem", description = "Private key (PKCS#8 or OpenSSL PEM).")
    Path key;

    @Option(names = "--cert", paramLabel = "CERT.pem", description = "Signing certificate (code signing).")
    Path cert;

    @Option(names = "--chain", paramLabel = "CHAIN.pem", description = "Intermediate certificates to include.")
    Path chain;

    boolean given() {
        return key != null || cert != null;
    }

    SigningCredentials read(SigningKeys keys) throws FlashgateException {
        if (key == null || cert == null) {
            throw new FlashgateException(ErrorCode.USAGE, "signing needs both --key and --cert");
        }
        return keys.read(key, cert, chain);
    }
}
