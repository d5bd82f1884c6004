package dev.flashgate.plugin.firehose.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * A vendor patch file ({@code patch*.xml}): {@code <patch/>} elements whose {@code filename} is
 * {@code DISK} are applied on the device after programming, as vendor tools do; the others patch
 * host-side image files and are not for the device.
 */
record PatchFile(List<Map<String, String>> diskPatches) {

    PatchFile {
        diskPatches = List.copyOf(diskPatches);
    }

    static PatchFile parse(byte[] xml, String name) throws FlashgateException {
        Element data = FirehoseXml.parse(xml, ErrorCode.MANIFEST_INVALID, "the patch file " + name);
        if (!data.getTagName().equals("patches") && !data.getTagName().equals("data")) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the patch file " + name + " has <" + data.getTagName()
                    + "> at its root, expected <patches> or <data>");
        }
        List<Map<String, String>> disk = new ArrayList<>();
        for (Node n = data.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) {
                continue;
            }
            if (!e.getTagName().equals("patch")) {
                throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the patch file " + name + " has a <" + e.getTagName()
                        + "> element; only <patch> is understood");
            }
            if (!"DISK".equals(e.getAttribute("filename").trim())) {
                continue;
            }
            for (String number : List.of("SECTOR_SIZE_IN_BYTES", "byte_offset", "size_in_bytes")) {
                FirehoseXml.number(e, number, ErrorCode.MANIFEST_INVALID, "the patch file " + name + ", <patch>");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            NamedNodeMap all = e.getAttributes();
            for (int i = 0; i < all.getLength(); i++) {
                attributes.put(all.item(i).getNodeName(), all.item(i).getNodeValue());
            }
            disk.add(attributes);
        }
        return new PatchFile(disk);
    }
}
