package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.core.pkg.VerifiedPackage;

/** A verified package whose archive stays open; artifacts are hashed again while they stream. */
final class OpenPackage implements VerifiedPackage {

    private final ZipArchive zip;
    private final VerificationReport report;

    OpenPackage(ZipArchive zip, VerificationReport report) {
        this.zip = zip;
        this.report = report;
    }

    @Override
    public VerificationReport report() {
        return report;
    }

    @Override
    public InputStream open(Artifact artifact) throws FlashgateException {
        if (!report.manifest().artifacts().contains(artifact)) {
            throw new FlashgateException(ErrorCode.INTERNAL, artifact.path() + " is not an artifact of this package");
        }
        ZipEntryRecord entry = zip.find(artifact.path()).orElseThrow(
                () -> new FlashgateException(ErrorCode.PKG_MISSING_ENTRY, "'" + artifact.path() + "' is not in the package"));
        return new Checked(zip.stream(entry), artifact);
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // a read-only channel has nothing to flush
        }
    }

    /** Counts and hashes what passes; at the end the bytes must be the verified ones. */
    private static final class Checked extends InputStream {
        private final EntryInputStream in;
        private final Artifact artifact;
        private final MessageDigest sha256;
        private long count;
        private boolean ended;

        Checked(EntryInputStream in, Artifact artifact) {
            this.in = in;
            this.artifact = artifact;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                ended = true;
                check();
                return -1;
            }
            count += n;
            if (count > artifact.size()) {
                throw EntryInputStream.failure(ErrorCode.SIZE_MISMATCH, artifact.path() + " grew beyond " + artifact.size()
                        + " bytes after verification");
            }
            sha256.update(b, off, n);
            if (count == artifact.size()) {
                // the consumer may stop reading at the declared size: check now, not only at end of stream
                ended = in.read(new byte[1], 0, 1) < 0;
                if (!ended) {
                    throw EntryInputStream.failure(ErrorCode.SIZE_MISMATCH, artifact.path() + " grew beyond " + artifact.size()
                            + " bytes after verification");
                }
                check();
            }
            return n;
        }

        private void check() throws IOException {
            if (count != artifact.size()) {
                throw EntryInputStream.failure(ErrorCode.SIZE_MISMATCH, artifact.path() + " holds " + count + " bytes, "
                        + artifact.size() + " were verified");
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(artifact.sha256())) {
                throw EntryInputStream.failure(ErrorCode.HASH_MISMATCH, artifact.path() + " changed after verification: SHA-256 is "
                        + actual + ", the manifest says " + artifact.sha256());
            }
        }

        @Override
        public void close() {
            in.close();
        }
    }
}
