package dev.flashgate.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.VerificationReport;

/**
 * The container rules of the package format that no well-behaved writer breaks: data hidden in
 * an entry, CRC-32s that disagree, names that are one file or lie about themselves, entries that
 * are not plain files. Each package is signed properly, so the rule under test is what refuses it,
 * and each rule has its accepted neighbour.
 */
class ContainerRulesTest {

    private static Fixtures fx;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        fx = new Fixtures();
    }

    /** A signed package of the two test artifacts, stored, with {@code change} applied to the artifact entries. */
    private VerificationReport verify(UnaryOperator<RawZip.Entry> change) throws Exception {
        return verify(Fixtures.twoArtifacts(), List.of(), change);
    }

    private VerificationReport verify(Map<String, byte[]> files, List<RawZip.Entry> more, UnaryOperator<RawZip.Entry> change)
            throws Exception {
        List<RawZip.Entry> entries = new ArrayList<>(signed(files));
        entries.addAll(more);
        entries.replaceAll(e -> e.name.startsWith("manifest.json") ? e : change.apply(e));
        return verify(entries);
    }

    private List<RawZip.Entry> signed(Map<String, byte[]> files) throws Exception {
        byte[] manifest = Fixtures.manifest(files).getBytes(StandardCharsets.UTF_8);
        List<RawZip.Entry> entries = new ArrayList<>(List.of(RawZip.Entry.stored("manifest.json", manifest),
                RawZip.Entry.stored("manifest.json.p7s", Fixtures.SIGNER.signDetached(manifest, fx.vendor))));
        files.forEach((name, data) -> entries.add(RawZip.Entry.stored(name, data)));
        return entries;
    }

    private VerificationReport verify(List<RawZip.Entry> entries) throws Exception {
        Path pkg = Files.write(dir.resolve("pkg-" + System.nanoTime() + ".fgp"), RawZip.write(entries));
        return Fixtures.VERIFIER.verify(pkg, fx.anchors, ProgressListener.NONE);
    }

    private static void assertVerified(VerificationReport report) {
        assertTrue(report.verified(), () -> report.verdict().toString());
    }

    @Test
    void theHandMadeArchiveVerifiesAsItIs() throws Exception {
        assertVerified(verify(e -> e));
    }

    @Test
    void bytesAfterAnEntrysDeflateStreamAreRefused() throws Exception {
        byte[] hidden = "hidden payload".getBytes(StandardCharsets.US_ASCII);
        assertVerified(verify(e -> RawZip.Entry.deflated(e.name, e.data, new byte[0])));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> RawZip.Entry.deflated(e.name, e.data, hidden)));

        Map<String, byte[]> files = Fixtures.twoArtifacts();
        List<RawZip.Entry> entries = new ArrayList<>(signed(files));
        entries.set(0, RawZip.Entry.deflated("manifest.json", entries.get(0).data, hidden));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(entries));
    }

    @Test
    void aFolderMayBeAnEmptyDeflateStreamButCarriesNothing() throws Exception {
        // the JDK's ZipOutputStream deflates folders: two bytes that inflate to nothing
        RawZip.Entry empty = RawZip.Entry.deflated("images/", new byte[0], new byte[0]);
        assertEquals(2, empty.data.length);
        assertVerified(verify(Fixtures.twoArtifacts(), List.of(empty), e -> e));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(Fixtures.twoArtifacts(),
                List.of(RawZip.Entry.deflated("images/", new byte[0], new byte[] {1, 2, 3})), e -> e));
        Fixtures.assertRejected(ErrorCode.PKG_UNLISTED_ENTRY, verify(Fixtures.twoArtifacts(),
                List.of(RawZip.Entry.deflated("images/", new byte[] {42}, new byte[0])), e -> e));
    }

    @Test
    void everyCrcMustAgreeWithTheOthersAndWithTheData() throws Exception {
        // central directory and local header agree with each other, not with the signed bytes
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> e.crc(e.crc ^ 1)));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> e.localCrc(e.crc ^ 1)));
        // a data descriptor: its CRC-32 must be the central directory's; the local one may be left zero
        assertVerified(verify(e -> e.withDescriptor(e.crc)));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> e.withDescriptor(e.crc ^ 1)));
        assertVerified(verify(e -> e.withDescriptor(e.crc).localCrc(e.crc)));
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> e.withDescriptor(e.crc).localCrc(e.crc ^ 1)));
        // deflated too
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(e -> RawZip.Entry.deflated(e.name, e.data, new byte[0]).crc(7)));

        List<RawZip.Entry> entries = new ArrayList<>(signed(Fixtures.twoArtifacts()));
        entries.get(0).crc(entries.get(0).crc + 1);
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(entries));
        entries = new ArrayList<>(signed(Fixtures.twoArtifacts()));
        entries.get(1).crc(0);
        Fixtures.assertRejected(ErrorCode.PKG_CORRUPT, verify(entries));
    }

    @Test
    void aChangedArtifactIsAHashMismatchWhateverItsCrcSays() throws Exception {
        VerificationReport report = verify(e -> {
            byte[] changed = e.data.clone();
            changed[100] ^= 1;
            return RawZip.Entry.stored(e.name, changed).crc(e.crc);
        });
        Fixtures.assertRejected(ErrorCode.HASH_MISMATCH, report);
    }

    @Test
    void namesThatAreAnotherNameOnWindowsOrInvisiblyDifferentAreRefused() throws Exception {
        for (String bad : List.of("images/boot.img.", "images/boot.img ", "images./boot.img", "images /boot.img",
                "images/boo\u200Bt.img", "images/\u202Egmi.toob", "images/boot\uFEFF.img", "images/boot\uFE0F.img",
                "images/con", "images/NUL.bin", "images/com1.txt", "lpt9/boot.img", "images/a:b", "images/a?b",
                "images/a*b", "images/a<b>", "images/a|b", "images/\"b\"")) {
            assertEquals(ErrorCode.PKG_BAD_ENTRY_NAME, assertThrows(FlashgateException.class, () -> EntryNames.check(bad)).code(),
                    bad);
        }
        for (String good : List.of("images/boot.img", "images/.config", "images/a..b", "images/modèle v2.bin", "images/cono",
                "images/console.bin", "images/ boot.img", "images/日本語.bin", "images/ﬁle")) {
            assertNull(EntryNames.problem(good), good);
        }
        Map<String, byte[]> files = Fixtures.twoArtifacts();
        files.put("images/boot.img.", Fixtures.firmware(10, 7));
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(files, List.of(), e -> e));
    }

    @Test
    void aFileAndAFolderOfTheSameNameAreRefused() throws Exception {
        for (List<String> names : List.of(List.of("images/boot", "images/boot/x.bin"), List.of("images/BOOT/x.bin", "images/boot"),
                List.of("images", "images/x.bin"), List.of("a/b/", "a/b"))) {
            assertEquals(ErrorCode.PKG_DUPLICATE_ENTRY,
                    assertThrows(FlashgateException.class, () -> EntryNames.checkUnique(names)).code(), names::toString);
        }
        EntryNames.checkUnique(List.of("images/", "images/a.bin", "images/b/", "images/b/c.bin", "images/B/d.bin"));

        Map<String, byte[]> files = new LinkedHashMap<>(Fixtures.twoArtifacts());
        files.put("images/boot.img/readme.txt", Fixtures.firmware(10, 8));
        Fixtures.assertRejected(ErrorCode.PKG_DUPLICATE_ENTRY, verify(files, List.of(), e -> e));
    }

    @Test
    void aUnicodePathFieldMayOnlyRepeatTheName() throws Exception {
        assertVerified(verify(e -> e.extra(RawZip.unicodePath(e.name, e.name), RawZip.unicodePath(e.name, e.name))));
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(e -> e.extra(new byte[0],
                RawZip.unicodePath(e.name, e.name + ".evil"))));
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(e -> e.extra(RawZip.unicodePath(e.name, "images/other.img"),
                new byte[0])));
    }

    @Test
    void onlyPlainFilesAndFoldersAreEntries() throws Exception {
        assertVerified(verify(e -> e.unixMode(0100644)));
        assertVerified(verify(e -> e.unixMode(0644)));
        assertVerified(verify(Fixtures.twoArtifacts(), List.of(RawZip.Entry.stored("images/", new byte[0]).unixMode(040755)
                .dosAttributes(040755 << 16 | 0x10)), e -> e));
        for (int mode : new int[] {0120777, 010644, 020644, 060644, 0140755}) {
            Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(e -> e.unixMode(mode)));
        }
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(e -> e.unixMode(040755)));
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(e -> e.dosAttributes(0x10)));
        Fixtures.assertRejected(ErrorCode.PKG_BAD_ENTRY_NAME, verify(Fixtures.twoArtifacts(),
                List.of(RawZip.Entry.stored("images/", new byte[0]).unixMode(0100644)), e -> e));
    }
}
