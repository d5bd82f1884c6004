package dev.flashgate.plugin.firehose.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.device.DeviceMode;
import dev.flashgate.core.device.PortInfo;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.pkg.Artifact;
import dev.flashgate.core.pkg.Manifest;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;
import dev.flashgate.device.DiagNv;
import dev.flashgate.device.Hdlc;
import dev.flashgate.upgrade.BackupItem;
import dev.flashgate.upgrade.DeviceFacts;
import dev.flashgate.upgrade.UpgradeContext;
import dev.flashgate.upgrade.UpgradeJob;

/**
 * One MDM9x07 update: switch the modem to emergency download over DIAG, bind the EDL port that
 * appears in this modem's physical USB port (its serial is the chip's, not the modem's; an EDL
 * device in another socket is never taken), upload the
 * programmer with Sahara, check the layout against the partition table the device keeps in its
 * MIBIB, program the layout's partitions with Firehose, read every range back as a SHA-256
 * digest, and power-reset into the new firmware.
 */
final class FirehoseJob implements UpgradeJob {

    static final byte[] EDL_SWITCH = {0x4B, 0x65, 0x01, 0x00};
    private static final Duration COMMAND = Duration.ofSeconds(5);
    private static final Duration SAHARA = Duration.ofSeconds(10);
    private static final Duration FIREHOSE = Duration.ofSeconds(30);
    private static final int MAX_PROGRAMMER = 16 << 20;
    private static final int MAX_LAYOUT = 1 << 20;
    /** What the journal keeps of a modem's chip (lowercase hex), as Sahara command mode reads it. */
    static final String FACT_CHIP_SERIAL = "qualcomm.chipSerial";
    static final String FACT_MSM_HW_ID = "qualcomm.msmHwId";
    static final String FACT_OEM_PK_HASH = "qualcomm.oemPkHash";
    /**
     * What makes an MDM9x07 modem itself and no layout may touch unless its package says it replaces
     * it: the EFS in {@code efs2} (IMEI, RF calibration, provisioning) and its golden copy in {@code fsg}.
     */
    static final Set<String> PRESERVED = Set.of("efs2", "fsg");

    /** The name under which a session keeps its programmer with the partitions, so a restore needs no package. */
    static final String PROGRAMMER_COPY = "programmer";

    /** What a range is programmed with: a package's artifact, or in a restore a copy from the backup store. */
    private record Image(String path, long size, Source source) {
        InputStream open() throws FlashgateException, IOException {
            return source.open();
        }
    }

    @FunctionalInterface
    private interface Source {
        InputStream open() throws FlashgateException, IOException;
    }

    private final UpgradeContext context;
    private final byte[] programmer;
    /** The package's layout; in a restore, the restored partitions once the partition table says where they are. */
    private RawProgram layout;
    /** The device patches of the package's {@code patch*.xml} artifacts (type {@code patch}), in order. */
    private final List<Map<String, String>> patches;
    private final Map<RawProgram.Program, Image> images = new LinkedHashMap<>();
    /** What a restore writes back, by partition; empty in an update. */
    private final Map<String, BackupItem> restoring;
    private final List<RawProgram.Program> written = new ArrayList<>();
    /** Ranges left as they were because the device held the package's bytes there already. */
    private final List<RawProgram.Program> skipped = new ArrayList<>();
    /** What each range must read back as, computed from the package while the device switches to EDL. */
    private Future<Map<RawProgram.Program, String>> readback;
    /** The physical USB port of the modem's ports ({@code /dev/serial/by-path}), or {@code null} where the OS does not say. */
    private final String usbPath;
    private String revisionBefore;
    private Set<String> edlBefore = Set.of();
    private boolean inEdl;
    private boolean programming;
    private Device startedOn;
    private SerialLink link;
    private FirehoseHost firehose;
    /** Whether the layout was checked against the device's partition table (once per session). */
    private boolean layoutChecked;
    /** Partitions kept as they are: {@link #PRESERVED} and the package's {@code target.preservedPartitions}. */
    private final Set<String> preserved;
    /** Preserved partitions the package declares it replaces ({@code target.replacesPartitions}). */
    private final Set<String> replaced;
    /** The preserved partitions this device has, in its pages, from its partition table. */
    private final Map<String, Range> preservedRanges = new LinkedHashMap<>();
    /** The SHA-256 each preserved partition held before the session's first write, once kept in the backup store. */
    private final Map<String, String> backedUp = new LinkedHashMap<>();
    private boolean programmerKept;
    /** The NAND as getstorageinfo describes it, once the programmer runs. */
    private FirehoseHost.Geometry geometry;

    FirehoseJob(UpgradeContext context) throws FlashgateException {
        this.context = context;
        Manifest m = context.pkg().manifest();
        Artifact programmerArtifact = only(m, "programmer");
        Artifact layoutArtifact = only(m, "layout");
        if (programmerArtifact.size() > MAX_PROGRAMMER || layoutArtifact.size() > MAX_LAYOUT) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "the programmer may have at most " + MAX_PROGRAMMER
                    + " bytes and the layout " + MAX_LAYOUT);
        }
        this.programmer = read(programmerArtifact);
        this.layout = RawProgram.parse(read(layoutArtifact), layoutArtifact.path());
        List<Map<String, String>> disk = new ArrayList<>();
        for (Artifact patch : m.artifacts().stream().filter(a -> "patch".equals(a.type())).toList()) {
            if (patch.size() > MAX_LAYOUT) {
                throw new FlashgateException(ErrorCode.MANIFEST_INVALID, patch.path() + " is larger than " + MAX_LAYOUT + " bytes");
            }
            disk.addAll(PatchFile.parse(read(patch), patch.path()).diskPatches());
        }
        this.patches = List.copyOf(disk);
        for (RawProgram.Program p : layout.programs()) {
            Artifact a = m.artifacts().stream().filter(x -> x.path().equals(p.filename())).findFirst()
                    .orElseThrow(() -> new FlashgateException(ErrorCode.MANIFEST_INVALID, "the layout programs '" + p.filename()
                            + "', which is not an artifact of the package"));
            if (a.size() > p.range().bytes()) {
                throw new FlashgateException(ErrorCode.MANIFEST_INVALID, p.filename() + " has " + a.size() + " bytes, its range "
                        + p.label() + " holds " + p.range().bytes());
            }
            images.put(p, new Image(a.path(), a.size(), () -> context.pkg().open(a)));
        }
        this.restoring = Map.of();
        this.usbPath = usbPath(context);
        this.replaced = partitionNames(m, "replacesPartitions");
        this.preserved = preservedWith(partitionNames(m, "preservedPartitions"));
        for (RawProgram.Program p : layout.programs()) {
            refuseIfPreserved(p.label().toLowerCase(Locale.ROOT), "programs");
        }
    }

    /**
     * A restore: the programmer and partitions a session kept of this modem ({@link #PROGRAMMER_COPY}
     * and partition names), written back whole into the partitions of those names.
     */
    FirehoseJob(UpgradeContext context, List<BackupItem> items) throws FlashgateException {
        this.context = context;
        BackupItem copy = items.stream().filter(i -> i.name().equals(PROGRAMMER_COPY)).findFirst()
                .orElseThrow(() -> new FlashgateException(ErrorCode.USAGE, "the session kept no programmer with its copies"));
        if (copy.bytes() > MAX_PROGRAMMER) {
            throw new FlashgateException(ErrorCode.HOST_IO, copy.file() + " is larger than a programmer can be");
        }
        try {
            this.programmer = Files.readAllBytes(copy.file());
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot read " + copy.file() + ": " + e.getMessage(), e);
        }
        Map<String, BackupItem> partitions = new LinkedHashMap<>();
        items.stream().filter(i -> !i.name().equals(PROGRAMMER_COPY)).forEach(i -> partitions.put(i.name().toLowerCase(Locale.ROOT), i));
        if (partitions.isEmpty()) {
            throw new FlashgateException(ErrorCode.USAGE, "the session kept no partition of this modem");
        }
        this.restoring = Map.copyOf(partitions);
        this.layout = new RawProgram(List.of(), List.of());
        this.patches = List.of();
        this.usbPath = usbPath(context);
        this.replaced = Set.copyOf(partitions.keySet());
        this.preserved = preservedWith(replaced);
    }

    /** {@link #PRESERVED} and {@code more}, in name order (as the log shows them). */
    private static Set<String> preservedWith(Set<String> more) {
        SortedSet<String> all = new TreeSet<>(PRESERVED);
        all.addAll(more);
        return Collections.unmodifiableSortedSet(all);
    }

    private static String usbPath(UpgradeContext context) {
        return context.device().ports().stream().map(PortInfo::usbPath).filter(Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * A restore's layout, once the partition table says where the partitions are: each restored
     * partition erased and programmed whole with its copy, which must read back as the SHA-256 it
     * was kept with.
     */
    private void restoreLayout(PartitionTable table, int pageSize) throws FlashgateException {
        List<RawProgram.Program> programs = new ArrayList<>();
        List<Range> erases = new ArrayList<>();
        Map<RawProgram.Program, String> digests = new LinkedHashMap<>();
        for (BackupItem item : restoring.values()) {
            PartitionTable.Partition part = table.named(item.name()).orElseThrow(() -> new FlashgateException(
                    ErrorCode.LAYOUT_MISMATCH, "this device has no partition " + item.name() + " to write the copy back into"));
            Range range = new Range(part.startSector(), part.sectors(), pageSize);
            if (range.bytes() != item.bytes()) {
                throw new FlashgateException(ErrorCode.LAYOUT_MISMATCH, "the copy of " + item.name() + " has " + item.bytes()
                        + " bytes; this device's " + item.name() + " has " + range.bytes());
            }
            RawProgram.Program program = new RawProgram.Program(item.name(), item.name(), range);
            programs.add(program);
            erases.add(range);
            images.put(program, new Image(item.file().toString(), item.bytes(), () -> Files.newInputStream(item.file())));
            digests.put(program, item.sha256());
        }
        layout = new RawProgram(programs, erases);
        readback = CompletableFuture.completedFuture(digests);
    }

    /** A list of partition names in the package's target (lowercase), or none. */
    private static Set<String> partitionNames(Manifest m, String field) throws FlashgateException {
        Object listed = m.target().extra().get(field);
        if (listed == null) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>();
        if (listed instanceof List<?> values) {
            for (Object v : values) {
                if (!(v instanceof String name) || name.isBlank()) {
                    throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "target." + field + " must be a list of partition names");
                }
                names.add(name.trim().toLowerCase(Locale.ROOT));
            }
            return Set.copyOf(names);
        }
        throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "target." + field + " must be a list of partition names");
    }

    private void refuseIfPreserved(String partition, String what) throws FlashgateException {
        if (preserved.contains(partition) && !replaced.contains(partition)) {
            throw new FlashgateException(ErrorCode.PRESERVED_PARTITION, "the layout " + what + " " + partition + ", which holds "
                    + "what makes this modem itself (IMEI, RF calibration); the package does not declare that it replaces it "
                    + "(target.replacesPartitions)");
        }
    }

    private static Artifact only(Manifest m, String type) throws FlashgateException {
        List<Artifact> found = m.artifacts().stream().filter(a -> type.equals(a.type())).toList();
        if (found.size() != 1) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "a " + FirehosePlugin.ID + " package has exactly one artifact of "
                    + "type " + type + "; this one has " + found.size());
        }
        return found.get(0);
    }

    private byte[] read(Artifact a) throws FlashgateException {
        try (InputStream in = context.pkg().open(a)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw readFailure(a.path(), e);
        }
    }

    /** An image stream fails with the package's own code (it changed after verification) or an I/O error. */
    private static FlashgateException readFailure(String path, IOException e) {
        return e.getCause() instanceof FlashgateException fe ? fe
                : new FlashgateException(ErrorCode.INTERNAL, "reading " + path + ": " + e.getMessage(), e);
    }

    @Override
    public DeviceFacts facts() throws FlashgateException {
        if (context.device().mode() == DeviceMode.EDL) {
            return factsFromFlash();
        }
        try (SerialLink l = context.open("at")) {
            AtResponse ati = new AtChannel(l).command("ATI", COMMAND);
            if (!ati.ok()) {
                throw new FlashgateException(ErrorCode.DEVICE_NAK, "ATI answered " + ati.result());
            }
            revisionBefore = revisionBefore != null ? revisionBefore : ati.value("Revision:");
            String imei = ati.value("IMEI:");
            return new DeviceFacts(nvImei(imei == null || imei.isBlank() ? null : imei), ati.value("Model:"), ati.value("Revision:"),
                    null, null, -1, -1, -1);
        }
    }

    /**
     * The IMEI as NV item 550 holds it, read over DIAG: what the modem's EFS says, whatever its AT
     * port shows. {@code null} when the item is not active (the EFS lost it); where DIAG does not
     * answer, the AT port's.
     */
    private String nvImei(String fromAt) throws FlashgateException {
        DiagNv.ImeiItem item;
        try (SerialLink diag = context.open("diag")) {
            item = DiagNv.readImei(diag, COMMAND);
        }
        if (item == null) {
            context.log("DIAG did not answer the read of NV item 550; the IMEI is the AT port's");
            return fromAt;
        }
        if (item.imei() == null) {
            context.log("NV item 550 (the IMEI) is not active (status " + item.status() + "): the modem has no IMEI");
        } else if (!item.imei().equals(fromAt)) {
            context.log("NV item 550 holds IMEI " + item.imei() + ", the AT port shows " + fromAt);
        }
        return item.imei();
    }

    /**
     * A device waiting in emergency download (a session before it was cut off, or it would not boot)
     * says nothing about itself: the programmer runs in its RAM (nothing is written) and reads the
     * firmware header at the start of the first programmed range, {@code FGSIMFW <model> <version>
     * <securityVersion>}; the programmer names the chip.
     */
    private DeviceFacts factsFromFlash() throws FlashgateException {
        inEdl = true;
        start(context.device(), false);
        Range first = layout.programs().stream().filter(p -> p.label().equals("modem")).findFirst()
                .orElse(layout.programs().get(0)).range();
        byte[] head = firehose.read(new Range(first.start(), 1, first.sectorSize()), RawProgram.MAX_SECTOR);
        String text = new String(head, java.nio.charset.StandardCharsets.US_ASCII);
        int end = text.indexOf('\n');
        String[] parts = end < 0 ? new String[0] : text.substring(0, end).split(" ");
        String target = firehose.target();
        if (parts.length != 4 || !parts[0].equals("FGSIMFW")) {
            context.log("the flash holds no firmware header: the device cannot say which model it is");
            return new DeviceFacts(null, null, null, null, target, -1, -1, -1);
        }
        revisionBefore = parts[2];
        context.log("in emergency download; its flash holds " + parts[2] + " for " + parts[1]);
        long securityVersion;
        try {
            securityVersion = Long.parseLong(parts[3]);
        } catch (NumberFormatException e) {
            securityVersion = -1;
        }
        return new DeviceFacts(null, parts[1], parts[2], null, target, -1, securityVersion, -1);
    }

    @Override
    public long requiredStorage() {
        return 0; // partitions are fixed ranges of the flash; the programmer refuses one that does not fit
    }

    @Override
    public void prepare() throws FlashgateException {
        if (readback == null && restoring.isEmpty()) { // not interrupted when the session ends: that would close the package under it
            FutureTask<Map<RawProgram.Program, String>> digests = new FutureTask<>(this::expectedDigests);
            Thread.ofPlatform().daemon().name("firehose-readback " + context.device().id()).start(digests);
            readback = digests;
        }
        closeLink();
        Device now = context.device();
        if (now.mode() == DeviceMode.EDL) {
            // the programmer still runs if the device has not re-enumerated since it was started
            start(now, startedOn != null && startedOn.ports().equals(now.ports()) && startedOn.lastSeen().equals(now.lastSeen()));
        } else {
            start(switchToEdl(), false);
        }
    }

    /** Opens the EDL port, uploads the programmer unless it runs already, and configures Firehose. */
    private void start(Device edl, boolean programmerRunning) throws FlashgateException {
        closeLink();
        link = context.open(edl, "edl");
        if (!programmerRunning) {
            context.log("uploading the programmer (" + programmer.length + " bytes) with Sahara");
            new SaharaHost(link, SAHARA).upload(programmer, n -> context.progress(n, programmer.length), this::programmerFor);
        }
        firehose = new FirehoseHost(link, FIREHOSE, context::log);
        int payload = firehose.configure(FirehoseHost.DEFAULT_PAYLOAD);
        context.log("Firehose configured for NAND on " + (firehose.target() == null ? "an unnamed chip" : firehose.target())
                + ", " + payload + " bytes per payload");
        startedOn = edl;
        geometry = firehose.storageInfo(); // and commands count in its pages from now on
        if (!layoutChecked) { // before anything is written: the layout must fit the device's partitions
            PartitionTable table = PartitionTable.read(firehose, geometry);
            if (!restoring.isEmpty()) {
                restoreLayout(table, geometry.pageSize());
            }
            table.check(layout, geometry.pageSize());
            for (RawProgram.Program p : layout.programs()) {
                firehose.onDevice(p.range(), false);
            }
            for (Range erase : layout.erases()) {
                firehose.onDevice(erase, false);
            }
            for (String name : preserved) {
                table.named(name).ifPresent(p -> preservedRanges.put(name, new Range(p.startSector(), p.sectors(), geometry.pageSize())));
            }
            for (Map.Entry<String, Range> kept : preservedRanges.entrySet()) {
                for (Range erase : layout.erases()) {
                    if (overlap(erase, kept.getValue())) {
                        refuseIfPreserved(kept.getKey(), "erases sectors " + erase.start() + "+" + erase.sectors() + " of");
                    }
                }
                for (RawProgram.Program p : layout.programs()) {
                    if (overlap(p.range(), kept.getValue())) {
                        refuseIfPreserved(kept.getKey(), "writes '" + p.filename() + "' into");
                    }
                }
            }
            layoutChecked = true;
            context.log("the layout fits the device's partition table (" + table.partitions().size() + " partitions, pages of "
                    + geometry.pageSize() + " bytes)");
        }
    }

    private static boolean overlap(Range a, Range b) {
        long aStart = a.start() * a.sectorSize();
        long bStart = b.start() * b.sectorSize();
        return aStart < bStart + b.bytes() && bStart < aStart + a.bytes();
    }

    /**
     * The chip in emergency download, as Sahara command mode told it, before a byte of the
     * programmer is sent. It must be this modem's chip: the one the journal recorded for this IMEI
     * (a chip serial read before), else {@code DEVICE_SWAPPED}; what it says is recorded for the next
     * session. And it must be one the package says its programmer is for ({@code target.msmHwIds},
     * {@code target.oemPkHashes}, hex), else, or when it does not say, {@code PROGRAMMER_MISMATCH}.
     */
    private void programmerFor(SaharaHost.Chip chip) throws FlashgateException {
        context.log("the chip in emergency download: " + chip);
        String serial = chip.serial() == null ? null : String.format("%08x", chip.serial());
        String msmHwId = chip.msmHwId() == null ? null : String.format("%016x", chip.msmHwId());
        String known = context.recordedFacts().get(FACT_CHIP_SERIAL);
        if (known != null && serial != null && !known.equals(serial)) {
            throw new FlashgateException(ErrorCode.DEVICE_SWAPPED, "the device in emergency download "
                    + (usbPath == null ? "" : "in this modem's USB port ") + "is chip 0x" + serial + ", and this modem's chip is 0x"
                    + known + ", as an earlier session recorded; nothing was uploaded");
        }
        check("MSM HW ID", "msmHwIds", msmHwId);
        check("OEM PK hash", "oemPkHashes", chip.oemPkHash());
        record(FACT_CHIP_SERIAL, serial);
        record(FACT_MSM_HW_ID, msmHwId);
        record(FACT_OEM_PK_HASH, chip.oemPkHash());
    }

    private void record(String name, String value) throws FlashgateException {
        if (value != null) {
            context.recordFact(name, value);
        }
    }

    private void check(String what, String field, String actual) throws FlashgateException {
        Object listed = context.pkg() == null ? null : context.pkg().manifest().target().extra().get(field);
        if (listed == null) { // a restore uses the programmer a session of this very chip kept
            return;
        }
        List<String> allowed = new ArrayList<>();
        if (listed instanceof List<?> values) {
            for (Object v : values) {
                if (v instanceof String text) {
                    allowed.add(text.trim().toLowerCase(Locale.ROOT).replaceFirst("^0x", ""));
                }
            }
        }
        if (allowed.isEmpty()) {
            throw new FlashgateException(ErrorCode.MANIFEST_INVALID, "target." + field + " must be a list of hex strings");
        }
        if (actual == null) {
            throw new FlashgateException(ErrorCode.PROGRAMMER_MISMATCH, "the package's programmer is for " + what + " "
                    + String.join(" or ", allowed) + ", and the device in emergency download does not say its " + what);
        }
        if (!allowed.contains(actual)) {
            throw new FlashgateException(ErrorCode.PROGRAMMER_MISMATCH, "the package's programmer is for " + what + " "
                    + String.join(" or ", allowed) + "; this chip's is " + actual);
        }
    }

    /** Asks for EDL over DIAG and waits for this device's EDL port. */
    private Device switchToEdl() throws FlashgateException {
        edlBefore = context.devices().stream().filter(d -> d.mode() == DeviceMode.EDL).map(Device::id)
                .collect(Collectors.toSet());
        try (SerialLink diag = context.open("diag")) {
            diag.write(Hdlc.encode(EDL_SWITCH));
        }
        inEdl = true;
        context.log("asked for emergency download over DIAG; waiting for the device's EDL port");
        Device edl = context.awaitDevice(this::isOurEdl, context.options().reconnectTimeout());
        context.log("bound " + edl.id() + " to this session");
        return edl;
    }

    /**
     * An EDL device in this modem's physical USB port; where the OS names no ports' sockets, one
     * that was not there before the switch.
     */
    private boolean isOurEdl(Device d) {
        if (d.mode() != DeviceMode.EDL || d.port("edl").isEmpty()) {
            return false;
        }
        String socket = d.port("edl").get().usbPath();
        return usbPath != null && socket != null ? usbPath.equals(socket) : !edlBefore.contains(d.id());
    }

    /**
     * The readback digest of every range from a second read of the package, which re-checks each
     * image against the manifest, so a package that changed since verification stops the session
     * before the flash is touched; the transfer itself then streams without hashing again.
     */
    private Map<RawProgram.Program, String> expectedDigests() throws FlashgateException {
        Map<RawProgram.Program, String> digests = new LinkedHashMap<>();
        for (Map.Entry<RawProgram.Program, Image> e : images.entrySet()) {
            Image a = e.getValue();
            try (InputStream in = a.open()) {
                digests.put(e.getKey(), Readback.digest(in, a.size(), e.getKey().range().bytes()));
            } catch (IOException ex) {
                throw readFailure(a.path(), ex);
            }
        }
        return digests;
    }

    private Map<RawProgram.Program, String> readback() throws FlashgateException {
        try {
            return readback.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof FlashgateException fe ? fe
                    : new FlashgateException(ErrorCode.INTERNAL, "computing readback digests: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlashgateException(ErrorCode.CANCELLED, "interrupted");
        }
    }

    @Override
    public void transfer() throws FlashgateException {
        Map<RawProgram.Program, String> expected = readback(); // the package still holds what was verified, or nothing is written
        backUpPreserved();
        written.clear(); // a retry programs everything again, but what matches already
        skipped.clear();
        if (restoring.isEmpty()) {
            for (RawProgram.Program p : images.keySet()) {
                // a range no erase touches that holds the package's bytes already is not written again (flash wear, time)
                if (layout.erases().stream().noneMatch(e -> overlap(e, p.range())) && firehose.digest(p.range()).equals(expected.get(p))) {
                    skipped.add(p);
                }
            }
        }
        programming = !layout.erases().isEmpty(); // from the first erase or accepted program on, the flash changes
        for (Range erase : layout.erases()) {
            firehose.erase(erase);
        }
        long total = images.entrySet().stream().filter(e -> !skipped.contains(e.getKey())).mapToLong(e -> e.getValue().size()).sum();
        long done = 0;
        for (Map.Entry<RawProgram.Program, Image> e : images.entrySet()) {
            RawProgram.Program p = e.getKey();
            Image a = e.getValue();
            if (skipped.contains(p)) {
                context.log(p.label() + " (sectors " + p.range().start() + "+" + p.range().sectors() + ") holds " + a.path()
                        + " already: not written again");
                written.add(p); // and read back with the others
                continue;
            }
            context.log("programming " + a.path() + " into " + p.label() + " (sectors " + p.range().start() + "+"
                    + p.range().sectors() + ")");
            long base = done;
            try (InputStream in = a.open()) {
                firehose.program(p.range(), p.label(), in, a.size(), () -> programming = true,
                        n -> context.progress(base + n, total));
                written.add(p);
            } catch (IOException ex) {
                throw readFailure(a.path(), ex);
            }
            done += a.size();
        }
        for (Map<String, String> patch : patches) {
            firehose.patch(patch);
        }
        if (!patches.isEmpty()) {
            context.log("applied " + patches.size() + " patch" + (patches.size() == 1 ? "" : "es") + " from the package");
        }
    }

    /**
     * Before the session's first write: every preserved partition is read back and kept in the
     * station's backup store (also one the package replaces), so what makes the modem itself can
     * always be written back.
     */
    private void backUpPreserved() throws FlashgateException {
        if (!preservedRanges.isEmpty() && !programmerKept) {
            // with the programmer, what was kept can be written back without the package
            context.backup(PROGRAMMER_COPY, out -> out.write(programmer));
            programmerKept = true;
        }
        for (Map.Entry<String, Range> kept : preservedRanges.entrySet()) {
            if (!backedUp.containsKey(kept.getKey())) {
                Range range = kept.getValue();
                String digest = firehose.digest(range); // what the device holds; a copy of it may be kept already
                String read = context.backupKept(kept.getKey(), digest, range.bytes()) ? digest
                        : context.backup(kept.getKey(), out -> copyOut(range, out));
                if (!read.equals(digest)) {
                    throw new FlashgateException(ErrorCode.READBACK_MISMATCH, kept.getKey() + " reads as SHA-256 " + read
                            + ", and the device digests it as " + digest + ": its flash does not read back the same twice; "
                            + "nothing was written");
                }
                backedUp.put(kept.getKey(), digest);
            }
        }
    }

    /**
     * A range's bytes as the device holds them, read a megabyte at a time, where what the device
     * holds is erased flash (its digest is that of all {@code 0xFF}: nothing else has it) written
     * out as such instead of being read: a calibration partition is mostly erased, and reading it
     * whole would cost every session the transfer of all of it.
     */
    private void copyOut(Range range, OutputStream out) throws FlashgateException, IOException {
        long chunk = Math.max(1, geometry.blockSize() / range.sectorSize() * 8);
        long end = range.start() + range.sectors();
        byte[] erased = new byte[0];
        String erasedDigest = null;
        for (long at = range.start(); at < end; at += chunk) {
            Range part = new Range(at, Math.min(chunk, end - at), range.sectorSize());
            if (erased.length != part.bytes()) { // once per range, and once more for a shorter last megabyte
                erased = new byte[(int) part.bytes()];
                Arrays.fill(erased, (byte) 0xFF);
                erasedDigest = HexFormat.of().formatHex(FirehoseHost.sha256().digest(erased));
            }
            if (firehose.digest(part).equals(erasedDigest)) {
                out.write(erased);
            } else {
                firehose.readTo(part, out);
            }
        }
    }

    @Override
    public void verifyOnDevice() throws FlashgateException {
        Map<RawProgram.Program, String> expected = readback();
        for (RawProgram.Program p : written) {
            String digest = firehose.digest(p.range());
            if (!digest.equals(expected.get(p))) {
                throw new FlashgateException(ErrorCode.READBACK_MISMATCH, "sectors " + p.range().start() + "+" + p.range().sectors()
                        + " read back as SHA-256 " + digest + ", " + expected.get(p) + " was written");
            }
        }
        for (Map.Entry<String, String> kept : backedUp.entrySet()) {
            if (replaced.contains(kept.getKey())) {
                continue;
            }
            String digest = firehose.digest(preservedRanges.get(kept.getKey()));
            if (!digest.equals(kept.getValue())) {
                throw new FlashgateException(ErrorCode.READBACK_MISMATCH, kept.getKey() + " no longer holds what it held before the "
                        + "session (SHA-256 " + digest + ", was " + kept.getValue() + "): write back the backup this session kept");
            }
        }
        programming = false;
        List<String> unchanged = backedUp.keySet().stream().filter(name -> !replaced.contains(name)).toList();
        context.log("every programmed range reads back as written (" + written.size() + " SHA-256 digests)"
                + (unchanged.isEmpty() ? "" : "; " + String.join(", ", unchanged) + " unchanged"));
    }

    @Override
    public void activate() throws FlashgateException {
        firehose.reset();
        context.log("power reset: the device boots the new firmware");
        closeLink();
    }

    /** The session's device back in any mode: the same discovery id, or a port in its physical USB port. */
    @Override
    public boolean recognizes(Device device, String sessionDeviceId, Instant since) {
        return device.lastSeen().isAfter(since) && (device.id().equals(sessionDeviceId) || isOurEdl(device)
                || usbPath != null && device.ports().stream().anyMatch(p -> usbPath.equals(p.usbPath())));
    }

    @Override
    public String note() {
        return skipped.isEmpty() ? null : "left as they were, holding the package's bytes already: " + String.join(", ",
                skipped.stream().map(p -> p.label() + " (sectors " + p.range().start() + "+" + p.range().sectors() + ")").toList());
    }

    @Override
    public DeviceCondition condition(SessionState state, FlashgateException failure) {
        String was = revisionBefore == null ? "its previous firmware" : revisionBefore;
        if (failure != null && failure.code() == ErrorCode.READBACK_MISMATCH) {
            return DeviceCondition.recoverable("a programmed range does not hold what was written, so the device will not boot "
                    + "it: power-cycle the device and run the session again; if the same range fails again, its flash is worn");
        }
        if (programming) {
            return DeviceCondition.recoverable("a partition may be half written: power-cycle the device (it starts in emergency "
                    + "download, always reachable on this chip) and run the session again");
        }
        if (state == SessionState.ACTIVATING) {
            return new DeviceCondition(DeviceCondition.Kind.UNKNOWN, "every range read back as written; the device was told to "
                    + "reboot: reconnect it and check its revision, or run the session again");
        }
        if (inEdl) {
            return DeviceCondition.untouched("nothing was written; the device is in emergency download: power-cycle it to boot "
                    + was);
        }
        return DeviceCondition.untouched("runs " + was);
    }

    @Override
    public void close() {
        if (readback != null) {
            readback.cancel(false);
        }
        closeLink();
    }

    private void closeLink() {
        if (link != null) {
            link.close();
            link = null;
            firehose = null;
        }
    }

}
