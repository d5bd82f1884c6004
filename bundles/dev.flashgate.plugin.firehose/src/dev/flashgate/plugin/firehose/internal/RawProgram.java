package dev.flashgate.plugin.firehose.internal;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * A vendor flash layout ({@code rawprogram*.xml}): which file goes to which sectors, and which
 * sectors are erased first. Entries without a file name are placeholders vendors leave in and
 * are skipped; anything else that does not describe a plain range of physical partition 0 makes
 * the layout unusable.
 */
record RawProgram(List<Program> programs, List<Range> erases) {

    /** One {@code <program/>}: the package artifact {@code filename} into {@code range}. */
    record Program(String filename, String label, Range range) {
    }

    static final int MAX_SECTOR = 1 << 20;

    RawProgram {
        programs = List.copyOf(programs);
        erases = List.copyOf(erases);
    }

    static RawProgram parse(byte[] xml, String name) throws FlashgateException {
        Element data = FirehoseXml.parse(xml, ErrorCode.MANIFEST_INVALID, "the layout " + name);
        if (!data.getTagName().equals("data")) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the layout " + name + " has <" + data.getTagName()
                    + "> at its root, expected <data>");
        }
        List<Program> programs = new ArrayList<>();
        List<Range> erases = new ArrayList<>();
        for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) {
                continue;
            }
            switch (e.getTagName()) {
                case "program" -> {
                    String file = e.getAttribute("filename").trim();
                    if (!file.isEmpty()) {
                        programs.add(new Program(file, e.getAttribute("label"), range(e, name)));
                    }
                }
                case "erase" -> erases.add(range(e, name));
                default -> throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the layout " + name + " has a <"
                        + e.getTagName() + "> element; only <program> and <erase> are understood");
            }
        }
        if (programs.isEmpty()) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the layout " + name + " programs nothing");
        }
        return new RawProgram(programs, erases);
    }

    private static Range range(Element e, String name) throws FlashgateException {
        String what = "the layout " + name + ", <" + e.getTagName() + " label=\"" + e.getAttribute("label") + "\">";
        long sectorSize = FirehoseXml.number(e, "SECTOR_SIZE_IN_BYTES", ErrorCode.MANIFEST_INVALID, what);
        long sectors = FirehoseXml.number(e, "num_partition_sectors", ErrorCode.MANIFEST_INVALID, what);
        long start = FirehoseXml.number(e, "start_sector", ErrorCode.MANIFEST_INVALID, what);
        String physical = e.getAttribute("physical_partition_number").trim();
        if (sectorSize == 0 || sectorSize > MAX_SECTOR || sectors == 0 || sectors > Long.MAX_VALUE / sectorSize
                || !(physical.isEmpty() || physical.equals("0"))) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, what + " does not name a range of physical partition 0");
        }
        return new Range(start, sectors, (int) sectorSize);
    }
}
