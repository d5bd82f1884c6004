package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/** Reads X.509 certificates from PEM (or DER) files with the JDK's certificate factory. */
public final class PemCertificates {

    private PemCertificates() {
    }

    public static List<X509Certificate> read(Path file) throws FlashgateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new FlashgateException(ErrorCode.USAGE, file + " holds no certificate");
            }
            return out;
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw new FlashgateException(ErrorCode.USAGE, file + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    public static String toPem(List<X509Certificate> certificates) {
        StringBuilder b = new StringBuilder();
        Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (X509Certificate c : certificates) {
            try {
                b.append("-----BEGIN CERTIFICATE-----\n").append(base64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }
}
