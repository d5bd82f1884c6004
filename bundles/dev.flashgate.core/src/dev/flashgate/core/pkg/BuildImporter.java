package dev.flashgate.core.pkg;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

import dev.flashgate.core.FlashgateException;

/**
 * Reads what a vendor's own tools produce (e.g. a QFIL-style flat build folder) into what a
 * package is packed from: its files as typed artifacts and the target fields they imply. An
 * upgrade plugin that knows the format registers one as a service; {@code flashgate pack} uses it.
 */
@ConsumerType
public interface BuildImporter {

    /** The format's name, as {@code pack} asks for it (e.g. {@code qualcomm-flat-build}). */
    String format();

    /**
     * The build in {@code folder}: every file it names as an artifact with its type, the manifest
     * fields it implies ({@code target.plugin}, ...), and notes for the packer (files not packed, ...).
     * What the build names but does not hold, or what Flashgate cannot carry, is {@code USAGE} with
     * a message that says which file and why.
     */
    Imported read(Path folder) throws FlashgateException;

    record Imported(List<PackRequest.Source> sources, Map<String, Object> fields, List<String> notes) {
        public Imported {
            sources = List.copyOf(sources);
            fields = Map.copyOf(fields);
            notes = List.copyOf(notes);
        }
    }
}
