package dev.flashgate.verify.internal;

import java.io.ByteArrayInputStream;
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

    /** Larger than any bundle of trust anchors or chain: a file this size is not one. */
    static final int MAX_BYTES = 1 << 20;

    /**
     * The certificates of a regular file of at most {@link #MAX_BYTES}; a device, a FIFO or an
     * endless file is refused before it is read (it would block or spin).
     */
    public static List<X509Certificate> read(Path file) throws FlashgateException {
        if (!Files.isRegularFile(file)) {
            throw new FlashgateException(ErrorCode.USAGE, file + " is not a regular file" + (Files.exists(file)
                    ? " (a device, FIFO or folder): certificates are read from PEM files" : ": it does not exist"));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw new FlashgateException(ErrorCode.USAGE, file + " is larger than " + (MAX_BYTES >> 20)
                    + " MiB: no certificate file is");
        }
        try (InputStream in = new ByteArrayInputStream(bytes)) {
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
