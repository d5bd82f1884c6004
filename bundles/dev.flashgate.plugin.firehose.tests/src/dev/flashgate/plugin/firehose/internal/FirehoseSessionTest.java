package dev.flashgate.plugin.firehose.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionRecord;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.core.session.Transition;
import dev.flashgate.device.Hdlc;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.RestoreRequest;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.SessionStatus;

/** Whole update sessions of the simulated MF833S modem through the engine and this plugin. */
class FirehoseSessionTest {

    private static final SessionOptions OPTIONS = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofMillis(1500))
            .withReconnectTimeout(Duration.ofSeconds(10)).withRetries(2);

    @TempDir
    Path dir;

    private PluginBench bench;

    @BeforeEach
    void bench() throws Exception {
        bench = new PluginBench(dir);
    }

    @AfterEach
    void close() throws Exception {
        bench.close();
    }

    private Path pkg(String version, byte[] programmer) throws Exception {
        return pkg(version, programmer, null);
    }

    private Path pkg(String version, byte[] programmer, String patchXml) throws Exception {
        return pkg(version, programmer, patchXml, null);
    }

    private Path pkg(String version, byte[] programmer, String patchXml, String layoutXml) throws Exception {
        return pkg(version, programmer, patchXml, layoutXml, Map.of());
    }

    /**
     * {@code layoutXml}: a {@code rawprogram} layout with {@code %d} for the image's sector count, or null for the demo's;
     * {@code more}: further manifest fields.
     */
    private Path pkg(String version, byte[] programmer, String patchXml, String layoutXml, Map<String, Object> more)
            throws Exception {
        Path files = Files.createDirectories(dir.resolve(version + "-" + (programmer == null ? "demo" : "forged")));
        Path prog = files.resolve("prog_nand_firehose_9x07.mbn");
        if (programmer == null) {
            DemoFirmware.programmer(prog);
        } else {
            Files.write(prog, programmer);
        }
        Path image = files.resolve("modem.ubi");
        DemoFirmware.image(image, "MF833S", version, 3, 256 * 1024 + 5, version.hashCode());
        Path layout = files.resolve("rawprogram_nand.xml");
        if (layoutXml == null) {
            DemoFirmware.layout(layout, "images/modem.ubi", Files.size(image));
        } else {
            Files.writeString(layout, layoutXml.formatted((Files.size(image) + 2047) / 2048));
        }
        Map<String, Object> fields = new HashMap<>(Map.of("vendor", "Test", "version", version, "versionCode", 700L,
                "securityVersion", 3L, "target.plugin", FirehosePlugin.ID, "target.chipset", "MDM9x07",
                "target.models", List.of("MF833S")));
        fields.putAll(more);
        List<PackRequest.Source> sources = new java.util.ArrayList<>(List.of(
                new PackRequest.Source(prog, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                new PackRequest.Source(image, "images/modem.ubi", "image")));
        if (patchXml != null) {
            sources.add(new PackRequest.Source(Files.writeString(files.resolve("patch0.xml"), patchXml), "firehose/patch0.xml", "patch"));
        }
        return bench.pack(version + (programmer == null ? "" : "-forged") + (patchXml == null ? "" : "-patched")
                + (layoutXml == null ? "" : "-layout") + (more.isEmpty() ? "" : "-" + more.hashCode()), fields, sources, true);
    }

    private SessionStatus flash(Path pkg, Device device) throws Exception {
        return bench.run(bench.request(pkg, device, OPTIONS, false));
    }

    @Test
    void aModemIsUpdatedThroughEmergencyDownloadAndReidentified() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        SessionStatus s = flash(pkg("FG_MF833S_F01", null), found);
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        assertEquals("FG_MF833S_F01", modem.revision());
        assertEquals("boots FG_MF833S_F01", modem.condition());
        assertEquals("FG_MF833S_B06", s.record().revisionBefore());
        assertEquals(List.of(SessionState.PENDING, SessionState.VERIFYING, SessionState.PREFLIGHT, SessionState.PREPARING,
                SessionState.TRANSFERRING, SessionState.VERIFYING_DEVICE, SessionState.ACTIVATING, SessionState.SUCCEEDED),
                bench.journal().transitions(s.record().id()).stream().map(Transition::state).toList());
    }

    /**
     * The journal keeps what Sahara command mode says of the modem's chip, so the next session
     * knows it again in emergency download: a chip in the modem's socket that is another one is
     * refused before the programmer is uploaded.
     */
    @Test
    void theChipIsJournaledAndAnotherChipInItsPlaceIsRefused() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        SessionStatus s = flash(pkg("FG_MF833S_F10", null), bench.discovered(modem));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(modem.serial().getBytes(StandardCharsets.US_ASCII));
        Map<String, String> facts = bench.journal().facts(modem.imei());
        assertEquals(String.format("%08x", crc.getValue()), facts.get(FirehoseJob.FACT_CHIP_SERIAL), facts::toString);
        assertEquals("0004a0e100040000", facts.get(FirehoseJob.FACT_MSM_HW_ID));
        assertEquals(64, facts.get(FirehoseJob.FACT_OEM_PK_HASH).length());
        assertTrue(modem.hostPorts().stream().noneMatch(p -> p.contains(String.format("%08X", crc.getValue()))),
                "the modem's own ports do not carry the chip serial: only its EDL port does");

        // as if the modem had been swapped for another in its socket between two sessions
        bench.journal().fact(modem.imei(), FirehoseJob.FACT_CHIP_SERIAL, "0badc0de");
        var session = bench.sessions().start(bench.request(pkg("FG_MF833S_F11", null), bench.present(modem), OPTIONS, false));
        SessionStatus swapped = session.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.DEVICE_SWAPPED, swapped.record().code(), () -> swapped.record().toString());
        assertTrue(swapped.record().detail().contains("this modem's chip is 0x0badc0de"), swapped.record().detail());
        assertTrue(session.log().stream().noneMatch(l -> l.contains("Firehose configured")), "the programmer never ran");
        assertEquals("FG_MF833S_F10", modem.revision());
    }

    /** A modem whose flash programs at a real NAND's pace ({@code flash-mibps}) takes at least that long to program. */
    @Test
    void aModemWithSlowFlashIsProgrammedAtItsPace() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        modem.inject(Faults.parse(List.of("flash-mibps=2")));
        SessionStatus s = flash(bench.modemPackage("FG_MF833S_F07", 1536 * 1024), found);
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        List<Transition> t = bench.journal().transitions(s.record().id());
        Instant transferring = t.stream().filter(x -> x.state() == SessionState.TRANSFERRING).findFirst().orElseThrow().at();
        Instant verifying = t.stream().filter(x -> x.state() == SessionState.VERIFYING_DEVICE).findFirst().orElseThrow().at();
        assertTrue(Duration.between(transferring, verifying).toMillis() >= 700,
                "1.5 MiB at 2 MiB/s cannot be programmed in " + Duration.between(transferring, verifying));
    }

    @Test
    void patchesForTheDeviceAreAppliedAfterProgramming() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path pkg = pkg("FG_MF833S_F06", null, """
                <?xml version="1.0" ?>
                <patches>
                  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="16" filename="DISK" physical_partition_number="0"                 size_in_bytes="4" start_sector="39168" value="0" what="clear a marker in system"/>
                  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="0" filename="gpt_main0.bin" physical_partition_number="0"                 size_in_bytes="8" start_sector="1" value="NUM_DISK_SECTORS-1." what="host side only"/>
                </patches>
                """);
        var session = bench.sessions().start(bench.request(pkg, found, OPTIONS, false));
        SessionStatus s = session.await(Duration.ofSeconds(60));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record() + "\n" + session.log());
        assertTrue(session.log().stream().anyMatch(l -> l.endsWith("applied 1 patch from the package")), session.log()::toString);
    }

    @Test
    void aProgrammerTheDeviceRefusesEndsTheSessionWithNothingWritten() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        byte[] forged = DemoFirmware.programmerBytes();
        forged[forged.length / 2] ^= 1;
        SessionStatus s = flash(pkg("FG_MF833S_F02", forged), found);
        assertEquals(ErrorCode.DEVICE_NAK, s.record().code(), () -> s.record().toString());
        assertTrue(s.record().detail().contains("refused the programmer"), s.record().detail());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
        modem.reenumerate(); // the technician power-cycles it, as the condition says
        assertEquals("boots FG_MF833S_B06", modem.condition());
    }

    /**
     * A package that names the chips its programmer is for is uploaded only to such a chip: the
     * host reads the MSM HW ID and OEM PK hash in Sahara command mode first.
     */
    @Test
    void aProgrammerForAnotherChipIsRefusedBeforeItIsUploaded() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path other = pkg("FG_MF833S_F08", null, null, null, Map.of("target.msmHwIds", List.of("0x000480E100040000")));
        var session = bench.sessions().start(bench.request(other, found, OPTIONS, false));
        SessionStatus s = session.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.PROGRAMMER_MISMATCH, s.record().code(), () -> s.record().toString());
        assertTrue(s.record().detail().contains("this chip's is 0004a0e100040000"), s.record().detail());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
        assertTrue(session.log().stream().anyMatch(l -> l.contains("the chip in emergency download: chip serial 0x")),
                session.log()::toString);
        assertTrue(session.log().stream().noneMatch(l -> l.contains("Firehose configured")), "the programmer never ran");

        modem.reenumerate();
        Path ours = pkg("FG_MF833S_F09", null, null, null, Map.of("target.msmHwIds", List.of("0x0004A0E100040000"),
                "target.oemPkHashes", List.of(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("Flashgate simulated OEM root certificate".getBytes(StandardCharsets.US_ASCII))))));
        SessionStatus done = flash(ours, bench.present(modem));
        assertEquals(SessionState.SUCCEEDED, done.record().state(), () -> done.record().toString());
        assertEquals("FG_MF833S_F09", modem.revision());
    }

    /**
     * A layout that programs past the end of the partition it names, or names a partition the
     * device does not have, is refused against the device's own partition table before anything
     * is written.
     */
    @ParameterizedTest
    @ValueSource(strings = {"modem:39100", "recovery:8448"})
    void aLayoutThatDoesNotFitThePartitionTableIsRefusedBeforeAnythingIsWritten(String labelAndStart) throws Exception {
        String label = labelAndStart.split(":")[0];
        String start = labelAndStart.split(":")[1];
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path pkg = pkg("FG_MF833S_F07", null, null, """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="%s" num_partition_sectors="%%d" \
                physical_partition_number="0" start_sector="%s"/>
                </data>
                """.formatted(label, start));
        var session = bench.sessions().start(bench.request(pkg, found, OPTIONS, false));
        SessionStatus s = session.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.LAYOUT_MISMATCH, s.record().code(), () -> s.record().toString());
        assertEquals(SessionState.PREPARING, s.record().lastActive());
        assertTrue(s.record().detail().contains("recovery".equals(label) ? "which this device does not have"
                : "which on this device is sectors 8448+30720"), s.record().detail());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
        assertTrue(session.log().stream().noneMatch(l -> l.contains("programming")), session.log()::toString);
        modem.reenumerate();
        assertEquals("boots FG_MF833S_B06", modem.condition());
    }

    /**
     * A range whose device digest already is the package's is not written again (less flash wear,
     * a faster re-flash), still read back, and the journal says which ranges were left as they were.
     */
    @Test
    void rangesThatHoldThePackagesBytesAlreadyAreNotWrittenAgain() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Path pkg = pkg("FG_MF833S_F30", null);
        var first = bench.sessions().start(bench.request(pkg, bench.discovered(modem), OPTIONS, false));
        SessionStatus s = first.await(Duration.ofSeconds(60));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        assertEquals(null, s.record().detail());
        assertTrue(indexOf(first.log(), "programming images/modem.ubi") >= 0, first.log()::toString);

        var again = bench.sessions().start(bench.request(pkg, bench.discovered(modem), OPTIONS, false));
        SessionStatus r = again.await(Duration.ofSeconds(60));
        assertEquals(SessionState.SUCCEEDED, r.record().state(), () -> r.record().toString());
        assertEquals(-1, indexOf(again.log(), "programming images/modem.ubi"), again.log()::toString);
        assertTrue(indexOf(again.log(), "holds images/modem.ubi already: not written again") >= 0, again.log()::toString);
        assertTrue(indexOf(again.log(), "every programmed range reads back as written (1 SHA-256 digests)") >= 0,
                again.log()::toString);
        assertTrue(indexOf(again.log(), "efs2 holds what ") >= 0, "kept already, so not read again: " + again.log());
        assertEquals(List.of("efs2", "fsg", FirehoseJob.PROGRAMMER_COPY), bench.journal().backups(modem.imei()).stream()
                .filter(b -> b.sessionId().equals(r.record().id())).map(b -> b.name()).sorted().toList());
        SessionRecord journaled = bench.journal().session(r.record().id()).orElseThrow();
        assertEquals("left as they were, holding the package's bytes already: modem (sectors 8448+129)", journaled.detail());
        assertEquals("boots FG_MF833S_F30", modem.condition());
    }

    /**
     * What makes the modem itself (efs2: IMEI and RF calibration; fsg: its golden copy) is read
     * back and kept in the station's backup store before the first write, journaled with the
     * session, and read back unchanged after programming.
     */
    @Test
    void theIdentityPartitionsAreKeptBeforeTheFirstWriteAndReadBackUnchanged() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        var session = bench.sessions().start(bench.request(pkg("FG_MF833S_F20", null), bench.discovered(modem), OPTIONS, false));
        SessionStatus s = session.await(Duration.ofSeconds(60));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        var backups = bench.journal().backups(modem.imei());
        assertEquals(List.of("efs2", "fsg", FirehoseJob.PROGRAMMER_COPY), backups.stream().map(b -> b.name()).sorted().toList(),
                backups::toString);
        Map<String, byte[]> heads = new HashMap<>();
        for (var b : backups.stream().filter(b -> !b.name().equals(FirehoseJob.PROGRAMMER_COPY)).toList()) {
            assertEquals(s.record().id(), b.sessionId());
            Path kept = bench.home().resolve("backups").resolve(modem.imei()).resolve(b.sha256() + ".bin");
            byte[] bytes = Files.readAllBytes(kept);
            assertEquals(b.name().equals("efs2") ? 96 * 64 * 2048 : 24 * 64 * 2048, bytes.length);
            assertEquals(b.sha256(), java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
            heads.put(b.name(), java.util.Arrays.copyOf(bytes, 16 * 1024));
        }
        assertTrue(java.util.Arrays.equals(heads.get("efs2"), heads.get("fsg")), "fsg holds the golden copy of efs2's EFS");
        assertEquals("FGSIMEFS", new String(heads.get("efs2"), 0, 8, StandardCharsets.US_ASCII));
        int backupLine = indexOf(session.log(), "kept efs2");
        int firstWrite = indexOf(session.log(), "programming ");
        assertTrue(backupLine >= 0 && backupLine < firstWrite, session.log()::toString);
        assertTrue(indexOf(session.log(), "efs2, fsg unchanged") > firstWrite, session.log()::toString);
        assertEquals("boots FG_MF833S_F20", modem.condition());
    }

    private static int indexOf(List<String> log, String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A layout that writes or erases efs2 or fsg is refused before anything is written, unless
     * its package declares that it replaces that partition; then the old content is kept first,
     * and a modem that comes back without its IMEI fails the session with IDENTITY_LOST.
     */
    @Test
    void aLayoutOverThePreservedPartitionsIsRefusedUnlessThePackageReplacesThem() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        String overEfs2 = """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="efs2" num_partition_sectors="%d" \
                physical_partition_number="0" start_sector="39168"/>
                </data>
                """;
        SessionStatus labelled = flash(pkg("FG_MF833S_F21", null, null, overEfs2), bench.discovered(modem));
        assertEquals(ErrorCode.PRESERVED_PARTITION, labelled.record().code(), () -> labelled.record().toString());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, labelled.record().condition().kind());

        SessionStatus erased = flash(pkg("FG_MF833S_F22", null, null, """
                <?xml version="1.0" ?>
                <data>
                  <erase SECTOR_SIZE_IN_BYTES="2048" num_partition_sectors="64" physical_partition_number="0" start_sector="45312"/>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/modem.ubi" label="modem" num_partition_sectors="%d" \
                physical_partition_number="0" start_sector="8448"/>
                </data>
                """), bench.present(modem));
        assertEquals(ErrorCode.PRESERVED_PARTITION, erased.record().code(), () -> erased.record().toString());
        assertTrue(erased.record().detail().contains("erases sectors 45312+64 of fsg"), erased.record().detail());
        assertEquals(SessionState.PREPARING, erased.record().lastActive());
        modem.reenumerate();
        assertEquals("boots FG_MF833S_B06", modem.condition());

        var session = bench.sessions().start(bench.request(pkg("FG_MF833S_F23", null, null, overEfs2,
                Map.of("target.replacesPartitions", List.of("efs2"))), bench.present(modem), OPTIONS, false));
        SessionStatus lost = session.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.IDENTITY_LOST, lost.record().code(), () -> lost.record().toString() + "\n" + session.log());
        assertTrue(lost.record().detail().contains("reports no IMEI (it had " + modem.imei() + ")"), lost.record().detail());
        assertTrue(lost.record().detail().contains("flashgate restore --device " + modem.imei() + " --session " + lost.record().id()),
                lost.record().detail());
        assertTrue(modem.condition().contains("without IMEI or RF calibration"), modem.condition());
        assertEquals(List.of("efs2", "fsg", FirehoseJob.PROGRAMMER_COPY), bench.journal().backups(modem.imei()).stream()
                .filter(b -> b.sessionId().equals(lost.record().id())).map(b -> b.name()).sorted().toList());

        // another modem is not the one the copies are of
        SimulatedDevice other = bench.start("MF833S");
        var wrong = bench.sessions().restore(new RestoreRequest(bench.discovered(other).id(), modem.imei(), lost.record().id(), OPTIONS));
        SessionStatus refused = wrong.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.DEVICE_SWAPPED, refused.record().code(), () -> refused.record().toString());
        assertEquals("boots FG_MF833S_B06", other.condition());

        // what the session kept, written back through EDL: the modem has its IMEI and calibration again
        var restore = bench.sessions().restore(new RestoreRequest(bench.present(modem).id(), modem.imei(), lost.record().id(), OPTIONS));
        SessionStatus restored = restore.await(Duration.ofSeconds(60));
        assertEquals(SessionState.SUCCEEDED, restored.record().state(), () -> restored.record() + "\n" + restore.log());
        assertEquals("boots FG_MF833S_B06", modem.condition());
        assertEquals(modem.imei(), restored.record().imei());
        assertEquals("restore of " + lost.record().id(), restored.record().version());
        assertTrue(restore.log().stream().anyMatch(l -> l.contains("re-identified IMEI " + modem.imei())), restore.log()::toString);
        assertEquals(SessionState.SUCCEEDED, flash(pkg("FG_MF833S_F24", null), bench.discovered(modem)).record().state(),
                "and can be updated as before");
    }

    /**
     * A package that replaces efs2 with what another modem's efs2 held (its kept copy) leaves this
     * modem with the other's IMEI: IDENTITY_LOST, with the copies to write back.
     */
    @Test
    void aModemBackWithAnotherModemsImeiHasLostItsIdentity() throws Exception {
        SimulatedDevice donor = bench.start("MF833S");
        SessionStatus first = flash(pkg("FG_MF833S_F40", null), bench.discovered(donor));
        assertEquals(SessionState.SUCCEEDED, first.record().state(), () -> first.record().toString());
        var efs2 = bench.journal().backups(donor.imei()).stream().filter(b -> b.name().equals("efs2")).findFirst().orElseThrow();
        Path donorEfs = bench.home().resolve("backups").resolve(donor.imei()).resolve(efs2.sha256() + ".bin");
        donor.close(); // unplugged: only one device answers with its IMEI afterwards

        SimulatedDevice modem = bench.start("MF833S");
        Path files = Files.createDirectories(dir.resolve("foreign-efs"));
        Path prog = files.resolve("prog.mbn");
        DemoFirmware.programmer(prog);
        Path layout = Files.writeString(files.resolve("rawprogram_nand.xml"), """
                <?xml version="1.0" ?>
                <data>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="images/efs2.bin" label="efs2" num_partition_sectors="6144" \
                physical_partition_number="0" start_sector="39168"/>
                </data>
                """);
        Path pkg = bench.pack("FG_MF833S_F41-foreign-efs", Map.of("vendor", "Test", "version", "FG_MF833S_B06", "versionCode", 700L,
                "securityVersion", 3L, "target.plugin", FirehosePlugin.ID, "target.models", List.of("MF833S"),
                "target.replacesPartitions", List.of("efs2")),
                List.of(new PackRequest.Source(prog, "firehose/prog.mbn", "programmer"),
                        new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                        new PackRequest.Source(donorEfs, "images/efs2.bin", "image")), true);
        SessionStatus s = flash(pkg, bench.discovered(modem));
        assertEquals(ErrorCode.IDENTITY_LOST, s.record().code(), () -> s.record().toString());
        assertTrue(s.record().detail().contains("reports IMEI " + donor.imei() + " (it had " + modem.imei() + ")"), s.record().detail());
        assertTrue(s.record().detail().contains("flashgate restore --device " + modem.imei()), s.record().detail());
        assertTrue(modem.condition().contains("with IMEI " + donor.imei() + ", not its own"), modem.condition());
    }

    /**
     * A layout may count in other sectors than the NAND's pages (a NAND programmer NAKs any other
     * SECTOR_SIZE_IN_BYTES): the session converts its ranges to the device's pages, and refuses one
     * that is not whole pages before anything is written.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 1})
    void aLayoutInOtherSectorsIsProgrammedInTheDevicesPages(long offset) throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        long pages = (256 * 1024 + 5 + 2047) / 2048;
        Path pkg = pkg("FG_MF833S_F1" + (3 + offset), null, null, """
                <?xml version="1.0" ?>
                <data>
                  <erase SECTOR_SIZE_IN_BYTES="512" num_partition_sectors="4096" physical_partition_number="0" start_sector="%d"/>
                  <program SECTOR_SIZE_IN_BYTES="512" filename="images/modem.ubi" label="modem" num_partition_sectors="%d" \
                physical_partition_number="0" start_sector="%d"/>
                </data>
                """.formatted(8448 * 4, pages * 4, 8448 * 4 + offset));
        var session = bench.sessions().start(bench.request(pkg, bench.discovered(modem), OPTIONS, false));
        SessionStatus s = session.await(Duration.ofSeconds(60));
        if (offset == 0) {
            assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
            assertEquals("FG_MF833S_F13", modem.revision());
        } else {
            assertEquals(ErrorCode.LAYOUT_MISMATCH, s.record().code(), () -> s.record().toString());
            assertTrue(s.record().detail().contains("are not whole pages of this device's NAND (2048 bytes)"), s.record().detail());
            assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind());
            assertTrue(session.log().stream().noneMatch(l -> l.contains("programming")), session.log()::toString);
        }
    }

    /**
     * The package file changes after the session verified it (while the test holds the modem's AT
     * port, the session waits in preflight): the image is read again against the manifest before the
     * first erase or program, so the session stops with the flash untouched.
     */
    @Test
    void aPackageChangedAfterVerificationIsRefusedBeforeTheFlashIsTouched() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path pkg = pkg("FG_MF833S_F08", null);
        byte[] image = Files.readAllBytes(dir.resolve("FG_MF833S_F08-demo/modem.ubi"));
        String at = modem.hostPorts().stream().filter(p -> p.endsWith("-if02-port0")).findFirst().orElseThrow();
        var session = bench.sessions().start(bench.request(pkg, found, OPTIONS, false));
        try (SerialLink held = bench.service(SerialLinks.class).open(at)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (session.status().record().state() != SessionState.PREFLIGHT && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            assertEquals(SessionState.PREFLIGHT, session.status().record().state());
            flipImageByte(pkg, image);
        }
        SessionStatus s = session.await(Duration.ofSeconds(60));
        assertEquals(ErrorCode.HASH_MISMATCH, s.record().code(), () -> s.record().toString());
        assertEquals(SessionState.TRANSFERRING, s.record().lastActive());
        assertEquals(DeviceCondition.Kind.UNTOUCHED, s.record().condition().kind(), () -> s.record().toString());
        modem.reenumerate();
        assertEquals("boots FG_MF833S_B06", modem.condition());
    }

    /** Flips one byte of the (stored) image inside the package file, in place. */
    private static void flipImageByte(Path pkg, byte[] image) throws Exception {
        byte[] file = Files.readAllBytes(pkg);
        byte[] marker = java.util.Arrays.copyOfRange(image, image.length / 2, image.length / 2 + 64);
        int at = -1;
        for (int i = 0; i + marker.length <= file.length && at < 0; i++) {
            if (java.util.Arrays.equals(file, i, i + marker.length, marker, 0, marker.length)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "the image is stored in the package");
        try (var f = java.nio.channels.FileChannel.open(pkg, java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (marker[0] ^ 0x40)}), at);
        }
    }

    @Test
    void aLinkDroppedMidProgramIsRetriedThroughEmergencyDownload() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path pkg = pkg("FG_MF833S_F03", null);
        // after the programmer (96 KiB) and part of the 256 KiB image: the modem partition is torn
        modem.inject(Faults.parse(List.of("drop-after=" + (96 * 1024 + 100 * 1024))));
        bench.replugWhenGone(modem);
        SessionStatus s = flash(pkg, found);
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        assertEquals("FG_MF833S_F03", modem.revision());
        assertTrue(bench.journal().transitions(s.record().id()).stream().filter(t -> t.state() == SessionState.PREPARING).count() >= 2);
    }

    @Test
    void aStallMidProgramIsCaughtAndASecondSessionRecoversTheDevice() throws Exception {
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        Path pkg = pkg("FG_MF833S_F04", null);
        modem.inject(Faults.parse(List.of("stall-after=" + (96 * 1024 + 100 * 1024), "stall-ms=4000")));
        SessionStatus s = flash(pkg, found);
        assertEquals(ErrorCode.DEVICE_STALLED, s.record().code(), () -> s.record().toString());
        assertEquals(DeviceCondition.Kind.RECOVERABLE, s.record().condition().kind());
    }

    /**
     * Another modem that enters emergency download while ours switches, in another socket, is the
     * newest EDL device there is; the session still takes only the one in its modem's socket.
     */
    @Test
    void anotherModemEnteringEmergencyDownloadDuringOurSwitchIsNeverTaken() throws Exception {
        SerialLinks links = bench.service(SerialLinks.class);
        SimulatedDevice other = bench.start("MF833S");
        SimulatedDevice modem = bench.start("MF833S");
        bench.discovered(other);
        var session = bench.sessions().start(bench.request(pkg("FG_MF833S_F12", null), bench.discovered(modem), OPTIONS, false));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (session.status().record().state() != SessionState.PREPARING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        try (SerialLink diag = links.open(other.hostPorts().stream().filter(p -> p.endsWith("-if00-port0")).findFirst().orElseThrow())) {
            diag.write(Hdlc.encode(FirehoseJob.EDL_SWITCH));
        }
        SessionStatus s = session.await(Duration.ofSeconds(90));
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        assertEquals("FG_MF833S_F12", modem.revision());
        assertTrue(other.hostPorts().stream().anyMatch(p -> p.contains("Qualcomm_QHSUSB__BULK")), other.hostPorts().toString());
        assertEquals("FG_MF833S_B06", other.revision(), "the other modem was left alone");
    }

    @Test
    void anotherDeviceInEmergencyDownloadIsNeverTaken() throws Exception {
        SerialLinks links = bench.service(SerialLinks.class);
        SimulatedDevice other = bench.start("MF833S");
        try (SerialLink diag = links.open(other.hostPorts().stream().filter(p -> p.endsWith("-if00-port0")).findFirst().orElseThrow())) {
            diag.write(Hdlc.encode(FirehoseJob.EDL_SWITCH));
        }
        SimulatedDevice modem = bench.start("MF833S");
        Device found = bench.discovered(modem);
        SessionStatus s = flash(pkg("FG_MF833S_F05", null), found);
        assertEquals(SessionState.SUCCEEDED, s.record().state(), () -> s.record().toString());
        assertEquals("FG_MF833S_F05", modem.revision());
        assertTrue(other.hostPorts().stream().anyMatch(p -> p.contains("Qualcomm_QHSUSB__BULK")), other.hostPorts().toString());
        assertEquals("FG_MF833S_B06", other.revision(), "the other device was left alone");
    }
}
