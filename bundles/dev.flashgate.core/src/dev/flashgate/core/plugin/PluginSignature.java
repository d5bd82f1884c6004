package dev.flashgate.core.plugin;

import java.util.List;

import dev.flashgate.core.pkg.CertificateInfo;

/**
 * A plugin bundle whose jar signature checked out: its bundle identity, its signer and the chain to
 * the plugin trust anchor, and how many files the signature covers (all of them).
 */
public record PluginSignature(String symbolicName, String version, CertificateInfo signer, List<CertificateInfo> chain,
        int signedEntries) {

    public PluginSignature {
        chain = List.copyOf(chain);
    }
}
