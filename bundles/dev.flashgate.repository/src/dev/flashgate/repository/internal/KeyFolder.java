package dev.flashgate.repository.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.Role;

/**
 * The repository tool's private keys: {@code <role>/<keyid>.pem}, PKCS#8 PEM (as {@code openssl genpkey
 * -algorithm ed25519} writes them), readable by the owner only. A folder may hold only some roles'
 * keys: offline root and targets keys stay with whoever guards them.
 */
final class KeyFolder {
    private final Path folder;

    KeyFolder(Path folder) {
        this.folder = folder;
    }

    SigningKey generate(Role role) throws FlashgateException {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            TufKey key = TufKey.ofEd25519(pair.getPublic());
            Path dir = Files.createDirectories(folder.resolve(role.id()));
            Path temp = Files.createTempFile(dir, ".key-", ".tmp", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.US_ASCII); PemWriter pem = new PemWriter(out)) {
                pem.writeObject(new PemObject("PRIVATE KEY", pair.getPrivate().getEncoded()));
            }
            Files.move(temp, dir.resolve(key.id() + ".pem"), StandardCopyOption.ATOMIC_MOVE);
            return new SigningKey(key, pair.getPrivate());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot write a key under " + folder + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every JDK since 15", e);
        }
    }

    /** The keys of {@code role} that {@code root} lists and this folder holds. */
    List<SigningKey> load(Role role, RootMetadata root) throws FlashgateException {
        List<SigningKey> keys = new ArrayList<>();
        for (String id : root.roles().get(role).keyIds()) {
            Path file = folder.resolve(role.id()).resolve(id + ".pem");
            if (Files.isRegularFile(file)) {
                keys.add(new SigningKey(root.keys().get(id), read(file)));
            }
        }
        return keys;
    }

    private static PrivateKey read(Path file) throws FlashgateException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PemReader pem = new PemReader(in)) {
            PemObject object = pem.readPemObject();
            if (object == null || !"PRIVATE KEY".equals(object.getType())) {
                throw new FlashgateException(ErrorCode.USAGE, file + " is not a PKCS#8 private key");
            }
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(object.getContent()));
        } catch (IOException | GeneralSecurityException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read the key " + file + ": " + e.getMessage(), e);
        }
    }
}
