package dev.flashgate.plugin.firehose.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.BuildImporter;
import dev.flashgate.core.pkg.PackRequest;

/** QFIL-style flat builds read into typed artifacts, and what a session could not carry out refused at pack time. */
class FlatBuildImporterTest {

    @TempDir
    Path dir;

    private final FlatBuildImporter importer = new FlatBuildImporter();

    private static final String LAYOUT = """
            <?xml version="1.0" ?>
            <data>
              <program SECTOR_SIZE_IN_BYTES="2048" filename="NON-HLOS.ubi" label="modem" num_partition_sectors="8" \
            physical_partition_number="0" start_sector="%s"%s/>
              <program SECTOR_SIZE_IN_BYTES="2048" filename="" label="efs2" num_partition_sectors="6144" \
            physical_partition_number="0" start_sector="39168"/>
            </data>
            """;

    private Path build(boolean contents, String start, String extra) throws Exception {
        Files.write(dir.resolve("prog_nand_firehose_9x07.mbn"), new byte[] {1});
        Files.write(dir.resolve("NON-HLOS.ubi"), new byte[] {2});
        Files.write(dir.resolve("partition.mbn"), new byte[] {3});
        Files.writeString(dir.resolve("rawprogram_nand_p2K_b128K.xml"), LAYOUT.formatted(start, extra));
        Files.writeString(dir.resolve("patch_p2K_b128K.xml"), "<patches/>");
        Files.writeString(dir.resolve("notes.txt"), "nothing names this");
        if (contents) {
            Files.writeString(dir.resolve("contents.xml"), """
                    <contents><builds_flat><build>
                      <device_programmer><file_name>prog_nand_firehose_9x07.mbn</file_name></device_programmer>
                      <raw_partition_file><file_name>rawprogram_nand_p2K_b128K.xml</file_name></raw_partition_file>
                      <partition_patch_file><file_name>patch_p2K_b128K.xml</file_name></partition_patch_file>
                      <partition_file><file_name>common/build/partition.mbn</file_name></partition_file>
                    </build></builds_flat></contents>
                    """);
        }
        return dir;
    }

    private static Map<String, String> types(BuildImporter.Imported imported) {
        Map<String, String> types = new TreeMap<>();
        for (PackRequest.Source s : imported.sources()) {
            types.put(s.path(), s.type());
        }
        return types;
    }

    @Test
    void everyFileTheBuildNamesIsAnArtifactOfItsRole() throws Exception {
        Map<String, String> expected = Map.of("prog_nand_firehose_9x07.mbn", "programmer", "rawprogram_nand_p2K_b128K.xml", "layout",
                "patch_p2K_b128K.xml", "patch", "partition.mbn", "partition-table", "NON-HLOS.ubi", "image");
        for (boolean contents : new boolean[] {true, false}) {
            BuildImporter.Imported imported = importer.read(build(contents, "8448", ""));
            assertEquals(new TreeMap<>(expected), types(imported), "with contents.xml: " + contents);
            assertEquals(FirehosePlugin.ID, imported.fields().get("target.plugin"));
            assertTrue(imported.notes().contains("not packed: notes.txt (named by neither contents.xml nor the layout)"),
                    imported.notes()::toString);
            Files.deleteIfExists(dir.resolve("contents.xml"));
        }
    }

    @Test
    void whatASessionCouldNotCarryOutIsRefusedWithTheFileAndWhy() throws Exception {
        assertRefused(build(true, "NUM_DISK_SECTORS-33.", ""), "counted from the end of the disk");
        assertRefused(build(true, "8448", " sparse=\"true\""), "NON-HLOS.ubi (modem) is a sparse image");
        build(true, "8448", "");
        Files.delete(dir.resolve("NON-HLOS.ubi"));
        assertRefused(dir, "names NON-HLOS.ubi, which");
        build(true, "8448", "");
        Files.copy(dir.resolve("rawprogram_nand_p2K_b128K.xml"), dir.resolve("rawprogram1.xml"));
        Files.delete(dir.resolve("contents.xml"));
        assertRefused(dir, "exactly one layout (rawprogram*.xml); this one has rawprogram1.xml, rawprogram_nand_p2K_b128K.xml");
        assertRefused(dir.resolve("notes.txt"), "is not a folder");
    }

    private void assertRefused(Path folder, String why) {
        FlashgateException e = assertThrows(FlashgateException.class, () -> importer.read(folder));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.detail().contains(why), e.detail());
    }
}
