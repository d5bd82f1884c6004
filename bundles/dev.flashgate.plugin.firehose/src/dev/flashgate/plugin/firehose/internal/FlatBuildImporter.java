package dev.flashgate.plugin.firehose.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Component;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.BuildImporter;
import dev.flashgate.core.pkg.PackRequest;

/**
 * A QFIL-style flat build, as vendors ship them for MDM9x07 modems: one folder with the Firehose
 * programmer ({@code prog_*firehose*.mbn}), the layout ({@code rawprogram*.xml}), patches
 * ({@code patch*.xml}), the partition table ({@code partition*.mbn}) and the images, and usually
 * the meta build's {@code contents.xml} naming them. Every file the build names becomes an artifact
 * under its own name (so the vendor's layout stays as it is), typed by the role the build gives
 * it; a file nothing names is reported, not packed. What QFIL computes on the host or expands
 * first (start sectors counted from the end of the disk, sparse images) is refused with the file
 * and the reason, as is a build that names a file it does not hold.
 */
@Component(service = BuildImporter.class)
public final class FlatBuildImporter implements BuildImporter {

    static final String FORMAT = "qualcomm-flat-build";
    private static final String CONTENTS = "contents.xml";
    private static final long MAX_XML = 1 << 20;
    /** The elements of {@code contents.xml} whose {@code file_name} a flat build holds, and the artifact type of each. */
    private static final Map<String, String> ROLES = Map.of("device_programmer", "programmer", "raw_partition_file", "layout",
            "partition_patch_file", "patch", "partition_file", "partition-table", "download_file", "image");

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public Imported read(Path folder) throws FlashgateException {
        if (!Files.isDirectory(folder)) {
            throw new FlashgateException(ErrorCode.USAGE, folder + " is not a folder");
        }
        List<String> present = files(folder);
        Map<String, String> types = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        if (present.contains(CONTENTS)) {
            fromContents(read(folder, CONTENTS), types);
        } else {
            notes.add("no " + CONTENTS + ": the programmer, layout, patches and partition table are known by their names");
            for (String name : present) {
                String lower = name.toLowerCase(Locale.ROOT);
                String type = lower.startsWith("prog_") && lower.contains("firehose") && lower.endsWith(".mbn") ? "programmer"
                        : lower.startsWith("rawprogram") && lower.endsWith(".xml") ? "layout"
                        : lower.startsWith("patch") && lower.endsWith(".xml") ? "patch"
                        : lower.startsWith("partition") && lower.endsWith(".mbn") ? "partition-table" : null;
                if (type != null) {
                    types.put(name, type);
                }
            }
        }
        String layout = only(types, "layout", "layout (rawprogram*.xml)");
        only(types, "programmer", "Firehose programmer (prog_*firehose*.mbn)");
        for (String file : layoutFiles(read(folder, layout), layout)) {
            types.putIfAbsent(file, "image");
        }
        for (String name : types.keySet()) {
            if (!present.contains(name)) {
                throw new FlashgateException(ErrorCode.USAGE, "the flat build names " + name + ", which " + folder + " does not hold");
            }
        }
        for (String name : present) {
            if (!types.containsKey(name) && !name.equals(CONTENTS)) {
                notes.add("not packed: " + name + " (named by neither " + CONTENTS + " nor the layout)");
            }
        }
        List<PackRequest.Source> sources = new ArrayList<>();
        types.forEach((name, type) -> sources.add(new PackRequest.Source(folder.resolve(name), name, type)));
        return new Imported(sources, Map.of("target.plugin", FirehosePlugin.ID, "target.chipset", FirehosePlugin.CHIPSET), notes);
    }

    /** The files of a flat build: regular files directly in its folder, by name. */
    private static List<String> files(Path folder) throws FlashgateException {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path folder, String name) throws FlashgateException {
        Path file = folder.resolve(name);
        try {
            if (Files.size(file) > MAX_XML) {
                throw new FlashgateException(ErrorCode.USAGE, file + " is larger than " + MAX_XML + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The files {@code contents.xml} names, by the role of the element that names them. */
    private static void fromContents(byte[] xml, Map<String, String> types) throws FlashgateException {
        Element root = FirehoseXml.parse(xml, ErrorCode.USAGE, CONTENTS);
        for (Map.Entry<String, String> role : ROLES.entrySet()) {
            NodeList found = root.getElementsByTagName(role.getKey());
            for (int i = 0; i < found.getLength(); i++) {
                NodeList names = ((Element) found.item(i)).getElementsByTagName("file_name");
                for (int j = 0; j < names.getLength(); j++) {
                    String name = names.item(j).getTextContent().trim();
                    if (name.contains("/") || name.contains("\\")) {
                        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1); // flat: all in one folder
                    }
                    if (!name.isEmpty()) {
                        types.putIfAbsent(name, role.getValue());
                    }
                }
            }
        }
    }

    private static String only(Map<String, String> types, String type, String what) throws FlashgateException {
        List<String> named = types.entrySet().stream().filter(e -> e.getValue().equals(type)).map(Map.Entry::getKey).toList();
        if (named.size() != 1) {
            throw new FlashgateException(ErrorCode.USAGE, "a flat build for " + FirehosePlugin.ID + " has exactly one " + what
                    + (named.isEmpty() ? "; this one has none" : "; this one has " + String.join(", ", named)));
        }
        return named.get(0);
    }

    /**
     * The files a layout programs, after refusing what a session could not carry out as QFIL would:
     * start sectors relative to the end of the disk ({@code NUM_DISK_SECTORS-…}, an eMMC/UFS GPT
     * backup) and sparse images (QFIL expands them on the host). Programs without a file are what
     * QFIL skips too; the layout is then checked as a session reads it.
     */
    private static List<String> layoutFiles(byte[] xml, String name) throws FlashgateException {
        Element data = FirehoseXml.parse(xml, ErrorCode.USAGE, name);
        for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                String label = e.getAttribute("label");
                if (e.getAttribute("start_sector").contains("NUM_DISK_SECTORS")) {
                    throw new FlashgateException(ErrorCode.USAGE, name + ": " + label + " starts at '" + e.getAttribute("start_sector")
                            + "', counted from the end of the disk as eMMC/UFS layouts do; a NAND layout names absolute sectors");
                }
                if (e.getAttribute("sparse").equalsIgnoreCase("true")) {
                    throw new FlashgateException(ErrorCode.USAGE, name + ": " + e.getAttribute("filename") + " (" + label + ") is a "
                            + "sparse image, which QFIL expands on the host; expand it (simg2img) and name the raw image");
                }
            }
        }
        RawProgram layout;
        try {
            layout = RawProgram.parse(xml, name);
        } catch (FlashgateException e) {
            throw new FlashgateException(ErrorCode.USAGE, e.detail(), e);
        }
        return List.copyOf(new TreeSet<>(layout.programs().stream().map(RawProgram.Program::filename).toList()));
    }
}
