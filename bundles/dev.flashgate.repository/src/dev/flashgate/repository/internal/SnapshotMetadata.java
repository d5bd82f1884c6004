package dev.flashgate.repository.internal;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.flashgate.core.repository.Role;

/** {@code snapshot.json}: which version of the targets metadata belongs to this state of the repository. */
record SnapshotMetadata(long version, Instant expires, MetaFile targets) {

    static SnapshotMetadata of(Signed file) throws MetadataException {
        return new SnapshotMetadata(file.version(), file.expires(),
                MetaFile.of(Fields.object(Fields.object(file.signed(), "meta"), "targets.json")));
    }

    ObjectNode toJson() {
        ObjectNode signed = Signed.header(Role.SNAPSHOT, version, expires);
        signed.putObject("meta").set("targets.json", targets.toJson());
        return signed;
    }
}
