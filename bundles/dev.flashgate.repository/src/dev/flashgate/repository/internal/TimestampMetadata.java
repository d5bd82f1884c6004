package dev.flashgate.repository.internal;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.repository.Role;

/** {@code timestamp.json}: the newest snapshot, short-lived so that a frozen mirror shows. */
record TimestampMetadata(long version, Instant expires, MetaFile snapshot) {

    static TimestampMetadata of(Signed file) throws MetadataException {
        return new TimestampMetadata(file.version(), file.expires(),
                MetaFile.of(Fields.object(Fields.object(file.signed(), "meta"), "snapshot.json")));
    }

    ObjectNode toJson() {
        ObjectNode signed = Signed.header(Role.TIMESTAMP, version, expires);
        signed.putObject("meta").set("snapshot.json", snapshot.toJson());
        return signed;
    }
}
