package dev.flashgate.repository.internal;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/** A private key of the repository tool with its metadata entry; Ed25519 only. */
record SigningKey(TufKey publicKey, PrivateKey privateKey) {

    byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
