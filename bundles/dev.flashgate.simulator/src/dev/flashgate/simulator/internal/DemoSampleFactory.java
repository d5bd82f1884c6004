package dev.flashgate.simulator.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.pkg.KeyRequest;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageBuilder;
import dev.flashgate.core.pkg.PackageSigner;
import dev.flashgate.core.pkg.SigningCredentials;
import dev.flashgate.core.pkg.SigningKeys;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.DemoSamples;

/** Creates the embedded default's demo CA, demo signing key and sample packages, once per folder. */
@Component(service = DemoSamples.class)
public final class DemoSampleFactory implements DemoSamples {

    /** Bumped when the sample packages change, so existing homes get the new ones. */
    static final String DEMO_VERSION = "4";
    /** Where the demo puts a vendor-style flat build of the next modem firmware, for {@code pack --flat-build}. */
    static final String FLAT_BUILD = "flat-build/MF833S-FG_MF833S_B08";

    private final SigningKeys keys;
    private final PackageBuilder builder;
    private final PackageSigner signer;
    private final TrustStore trustStore;

    @Activate
    public DemoSampleFactory(@Reference SigningKeys keys, @Reference PackageBuilder builder, @Reference PackageSigner signer,
            @Reference TrustStore trustStore) {
        this.keys = keys;
        this.builder = builder;
        this.signer = signer;
        this.trustStore = trustStore;
    }

    @Override
    public synchronized Samples ensure(Path folder) throws FlashgateException {
        Samples samples = new Samples(folder, folder.resolve("demo-ca.pem"),
                folder.resolve("packages/MF833S-FG_MF833S_B07.fgp"), folder.resolve("packages/HS920S-FG_HS920S_A02.fgp"),
                folder.resolve("packages/HS920S-FG_HS920S_A02-corrupted.fgp"));
        Path version = folder.resolve(".demo-version");
        if (samples.all().stream().allMatch(Files::isRegularFile) && Files.isRegularFile(samples.stationPolicy())
                && stillValid(samples.signerCertificate())
                && Files.isRegularFile(version) && readQuietly(version).equals(DEMO_VERSION)) {
            return samples;
        }
        try {
            Files.createDirectories(folder.resolve("packages"));
            Path work = Files.createTempDirectory(folder, ".build-");
            try {
                build(samples, work);
                Files.writeString(version, DEMO_VERSION);
            } finally {
                deleteTree(work);
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot create the demo in " + folder + ": " + e.getMessage());
        }
        return samples;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private boolean stillValid(Path signerCert) {
        try {
            trustStore.load(List.of(signerCert)).certificates().get(0)
                    .checkValidity(Date.from(Instant.now().plus(Duration.ofDays(1))));
            return true;
        } catch (FlashgateException | CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    private void build(Samples samples, Path work) throws IOException, FlashgateException {
        SigningCredentials ca = keys.generate(new KeyRequest(CA_SUBJECT, KeyRequest.KeyType.EC_P256,
                Duration.ofDays(3650), true, null));
        SigningCredentials vendor = keys.generate(new KeyRequest(VENDOR_SUBJECT, KeyRequest.KeyType.EC_P256,
                Duration.ofDays(825), false, ca));
        keys.write(ca, samples.folder().resolve("demo-ca.key.pem"), samples.ca());
        keys.write(vendor, samples.signerKey(), samples.signerCertificate());

        Path programmer = work.resolve("prog_nand_firehose_9x07.mbn");
        Path modemImage = work.resolve("modem.ubi");
        Path layout = work.resolve("rawprogram_nand.xml");
        DemoFirmware.programmer(programmer);
        DemoFirmware.image(modemImage, "MF833S", "FG_MF833S_B07", 3, 3 << 20, 833);
        DemoFirmware.layout(layout, "images/modem.ubi", Files.size(modemImage));
        builder.pack(new PackRequest(null, Map.of(
                "vendor", "Flashgate demo", "title", "MF833S simulated modem firmware B07", "version", "FG_MF833S_B07",
                "versionCode", 107L, "securityVersion", 3L, "target.plugin", "qualcomm-firehose", "target.chipset", "MDM9x07",
                "target.models", List.of("MF833S"), "notes", "Demo package for the simulated MDM9x07 modem. NOT FOR PRODUCTION."),
                List.of(new PackRequest.Source(programmer, "firehose/prog_nand_firehose_9x07.mbn", "programmer"),
                        new PackRequest.Source(layout, "firehose/rawprogram_nand.xml", "layout"),
                        new PackRequest.Source(modemImage, "images/modem.ubi", "image")),
                samples.modemPackage(), false));
        signer.sign(samples.modemPackage(), vendor);

        Path hotspotImage = work.resolve("hs920s.bin");
        DemoFirmware.image(hotspotImage, "HS920S", "FG_HS920S_A02", 2, 2 << 20, 920);
        builder.pack(new PackRequest(null, Map.of(
                "vendor", "Flashgate demo", "title", "HS920S simulated hotspot firmware A02", "version", "FG_HS920S_A02",
                "versionCode", 2L, "securityVersion", 2L, "target.plugin", "at-ymodem",
                "target.models", List.of("HS920S"), "notes", "Demo package for the simulated A/B hotspot. NOT FOR PRODUCTION."),
                List.of(new PackRequest.Source(hotspotImage, "images/hs920s.bin", "image")),
                samples.hotspotPackage(), false));
        signer.sign(samples.hotspotPackage(), vendor);

        Path corrupted = work.resolve("corrupted.fgp");
        Files.copy(samples.hotspotPackage(), corrupted);
        try (RandomAccessFile file = new RandomAccessFile(corrupted.toFile(), "rw")) {
            long at = file.length() / 2;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x04);
        }
        Files.move(corrupted, samples.tamperedPackage(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Path flat = work.resolve("flat-build");
        flatBuild(flat);
        Path target = samples.folder().resolve(FLAT_BUILD);
        if (Files.exists(target)) {
            deleteTree(target); // of an older demo
        }
        Files.createDirectories(target.getParent());
        Files.move(flat, target, StandardCopyOption.ATOMIC_MOVE);

        Path policy = work.resolve("station-policy.json");
        Files.writeString(policy, STATION_POLICY);
        Files.move(policy, samples.stationPolicy(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A flat build of the simulated MF833S's next firmware as a vendor's build system leaves one
     * for QFIL: the meta build's contents.xml, the programmer, a NAND layout that also lists a
     * partition it writes no file to (efs2: QFIL skips it), a patch file with host-side patches
     * only, the partition table and the modem image, and a note nothing names.
     */
    private static void flatBuild(Path dir) throws IOException {
        Files.createDirectories(dir);
        DemoFirmware.programmer(dir.resolve("prog_nand_firehose_9x07.mbn"));
        Path image = dir.resolve("NON-HLOS.ubi");
        DemoFirmware.image(image, "MF833S", "FG_MF833S_B08", 3, 3 << 20, 834);
        Files.write(dir.resolve("partition.mbn"), Nand.mibib());
        long sectors = (Files.size(image) + Nand.SECTOR - 1) / Nand.SECTOR;
        Files.writeString(dir.resolve("rawprogram_nand_p2K_b128K.xml"), """
                <?xml version="1.0" ?>
                <data>
                  <!--NOTE: This is an ** Autogenerated file **-->
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="NON-HLOS.ubi" label="modem" num_partition_sectors="%d" \
                physical_partition_number="0" start_sector="%d"/>
                  <program SECTOR_SIZE_IN_BYTES="2048" filename="" label="efs2" num_partition_sectors="6144" \
                physical_partition_number="0" start_sector="39168"/>
                </data>
                """.formatted(sectors, DemoFirmware.MODEM_START_SECTOR), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("patch_p2K_b128K.xml"), """
                <?xml version="1.0" ?>
                <patches>
                  <patch SECTOR_SIZE_IN_BYTES="2048" byte_offset="0" filename="partition.mbn" physical_partition_number="0" \
                size_in_bytes="4" start_sector="1" value="4" what="Table version, host side only"/>
                </patches>
                """, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("contents.xml"), """
                <?xml version="1.0" ?>
                <contents>
                  <product_info><product_name>MDM9607.LE.2.0-FG_MF833S_B08</product_name></product_info>
                  <builds_flat>
                    <build>
                      <name>common</name>
                      <device_programmer><file_name>prog_nand_firehose_9x07.mbn</file_name></device_programmer>
                      <raw_partition_file><file_name>rawprogram_nand_p2K_b128K.xml</file_name></raw_partition_file>
                      <partition_patch_file><file_name>patch_p2K_b128K.xml</file_name></partition_patch_file>
                      <partition_file><file_name>partition.mbn</file_name></partition_file>
                      <download_file><file_name>NON-HLOS.ubi</file_name></download_file>
                    </build>
                  </builds_flat>
                </contents>
                """, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("build-notes.txt"), "FG_MF833S_B08, built for the simulated MF833S. NOT FOR PRODUCTION.\n");
    }

    /** Paths are relative to the policy's folder; the demo CA is trusted for station mode with this policy only. */
    private static final String STATION_POLICY = """
            {
              "parallel": 4,
              "trust": ["demo-ca.pem"],
              "rules": [
                {"model": "MF833S", "file": "packages/MF833S-FG_MF833S_B07.fgp"},
                {"model": "HS920S", "file": "packages/HS920S-FG_HS920S_A02.fgp"}
              ]
            }
            """;

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
