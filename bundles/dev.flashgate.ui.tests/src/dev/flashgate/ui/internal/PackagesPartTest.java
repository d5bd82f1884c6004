package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.dnd.DND;
import org.eclipse.swt.dnd.DropTarget;
import org.eclipse.swt.dnd.FileTransfer;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.TrustAnchors;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.testkit.PluginBench;

/** The Packages view with its metadata inspector, on a real display (Xvfb in the test run). */
class PackagesPartTest {

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;
    private Composite parent;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
        System.setProperty("flashgate.workbench.trust", bench.anchorsPem(dir.resolve("vendor-ca.pem")).toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        System.clearProperty("flashgate.workbench.trust");
        if (swt != null) {
            swt.close();
            bench.close();
        }
    }

    private Path pkg(String version) throws Exception {
        Path image = dir.resolve(version + ".bin");
        DemoFirmware.image(image, "HS920S", version, 3, 256 * 1024, version.hashCode());
        return bench.pack(version, Map.of("vendor", "Workbench test", "version", version, "versionCode", 42L, "securityVersion", 3L,
                "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
    }

    /** A second package: another version, its image changed, and a second artifact added. */
    private Path pkgWithExtra(String version) throws Exception {
        Path image = dir.resolve(version + ".bin");
        DemoFirmware.image(image, "HS920S", version, 3, 256 * 1024, version.hashCode());
        Path notes = Files.writeString(dir.resolve(version + ".txt"), "release notes of " + version);
        return bench.pack(version, Map.of("vendor", "Workbench test", "version", version, "versionCode", 43L, "securityVersion", 3L,
                "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image"),
                        new PackRequest.Source(notes, "docs/notes.txt", "notes")), true);
    }

    private PackagesPart view() throws Exception {
        return view(new PackageInbox());
    }

    private PackagesPart view(PackageInbox inbox) throws Exception {
        PackagesPart part = new PackagesPart(bench.service(PackageVerifier.class), bench.service(TrustStore.class), swt.sync(),
                new VerifiedPackages(), inbox);
        parent = swt.parent();
        part.create(parent);
        swt.open();
        return part;
    }

    @Test
    void aPackageIsVerifiedInTheBackgroundAndShowsItsArtifacts() throws Exception {
        PackagesPart part = view();
        part.open(List.of(pkg("FG_HS920S_W01")));
        swt.until(part::allVerified, Duration.ofSeconds(30), "the package is verified");
        swt.until(() -> part.list().getItem(0).getText(1).equals("VERIFIED"), Duration.ofSeconds(5), "the list shows it");
        assertTrue(part.report().verdictText().startsWith("VERIFIED"), part.report().verdictText());
        TableItem artifact = part.report().artifacts().getItem(0);
        assertEquals("images/hs920s.bin", artifact.getText(0));
        assertEquals("image", artifact.getText(1));
        assertEquals("matches", artifact.getText(4));
        assertTrue(Tables.text(part.report().manifest()).contains("version\tFG_HS920S_W01"), Tables.text(part.report().manifest()));
        assertTrue(Tables.text(part.report().signature()).contains("signer"), Tables.text(part.report().signature()));
        swt.screenshot("packages-verified");
    }

    @Test
    void aTamperedPackageShowsItsErrorCodeCauseAndResolution() throws Exception {
        Path good = pkg("FG_HS920S_W02");
        Path tampered = dir.resolve("tampered.fgp");
        byte[] bytes = Files.readAllBytes(good);
        bytes[bytes.length / 2] ^= 0x10; // inside the image: a corrupted download
        Files.write(tampered, bytes);
        PackagesPart part = view();
        part.open(List.of(good, tampered));
        swt.until(part::allVerified, Duration.ofSeconds(30), "both are verified");
        swt.until(() -> part.list().getItem(1).getText(1).startsWith("REJECTED"), Duration.ofSeconds(5), "the list shows it");
        ErrorCode code = ErrorCode.valueOf(part.list().getItem(1).getText(1).substring("REJECTED ".length()));
        part.select(1);
        assertTrue(part.report().verdictText().startsWith("REJECTED: " + code.name() + ". " + code.symptom()),
                part.report().verdictText());
        assertTrue(part.report().explanationText().contains("Cause: " + code.cause()), part.report().explanationText());
        assertTrue(part.report().explanationText().contains("What to do: " + code.resolution()), part.report().explanationText());
        swt.screenshot("packages-rejected");
        part.select(0);
        assertTrue(part.report().verdictText().startsWith("VERIFIED"), "the good one is still verified");
    }

    @Test
    void twoPackagesAreComparedSideBySide() throws Exception {
        PackagesPart part = view();
        part.open(List.of(pkg("FG_HS920S_W03"), pkgWithExtra("FG_HS920S_W04")));
        swt.until(part::allVerified, Duration.ofSeconds(30), "both are verified");
        part.list().setSelection(new int[] {0, 1});
        CompareView compare = part.compareSelected();
        try {
            String fields = Tables.text(compare.fields());
            assertTrue(fields.contains("\u2260\tversion\tFG_HS920S_W03\tFG_HS920S_W04"), fields);
            assertTrue(fields.contains("\u2260\tversionCode\t42\t43"), fields);
            assertTrue(fields.contains("\ttarget.plugin\tat-ymodem\tat-ymodem") && !fields.contains("\u2260\ttarget.plugin"), fields);
            assertEquals(2, compare.artifacts().getItemCount());
            assertEquals("docs/notes.txt", compare.artifacts().getItem(0).getText(0));
            assertEquals("ADDED", compare.artifacts().getItem(0).getText(1));
            assertEquals("", compare.artifacts().getItem(0).getText(2));
            assertEquals("images/hs920s.bin", compare.artifacts().getItem(1).getText(0));
            assertEquals("CHANGED", compare.artifacts().getItem(1).getText(1));
        } finally {
            compare.shell().dispose();
        }
        part.list().setSelection(0);
        assertEquals(null, part.compareSelected(), "one package alone is not compared");
    }

    /** The embedded default hands packages over before the view exists, with the anchors to trust for this run. */
    @Test
    void packagesHandedOverAreVerifiedAgainstTheAnchorsForThisRun() throws Exception {
        System.clearProperty("flashgate.workbench.trust"); // the station's store alone trusts nothing of the bench's
        Path pkg = pkg("FG_HS920S_W05");
        PackageInbox inbox = new PackageInbox();
        inbox.deliver(new TrustAnchors(bench.anchors().certificates(), "the bench CA, for this run"), List.of(pkg));
        PackagesPart part = view(inbox);
        swt.until(part::allVerified, Duration.ofSeconds(30), "the package is verified");
        swt.until(() -> part.list().getItemCount() == 1 && part.list().getItem(0).getText(1).equals("VERIFIED"),
                Duration.ofSeconds(5), "it is verified against the handed-over anchors");
        inbox.deliver(null, List.of(pkg));
        swt.until(() -> part.list().getItemCount() == 2, Duration.ofSeconds(5), "later deliveries open at once");
    }

    /** The view takes files dropped on it; a drop of anything but files opens nothing. */
    @Test
    void filesDroppedOnTheViewAreOpened() throws Exception {
        PackagesPart part = view();
        DropTarget target = (DropTarget) parent.getData(DND.DROP_TARGET_KEY);
        assertTrue(target != null && target.getDropListeners().length == 1, "the view is a drop target");
        assertTrue(java.util.Arrays.asList(target.getTransfer()).contains(FileTransfer.getInstance()), "for files");
        part.dropped("not a file list");
        assertEquals(0, part.list().getItemCount());
        part.dropped(new String[] {pkg("FG_HS920S_W06").toString()});
        swt.until(part::allVerified, Duration.ofSeconds(30), "the dropped package is verified");
        assertEquals("FG_HS920S_W06.fgp", part.list().getItem(0).getText(0));
    }
}
