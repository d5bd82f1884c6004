package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.Topics;
import dev.flashgate.core.device.DeviceDiscovery;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.pkg.PackageVerifier;
import dev.flashgate.core.pkg.ProgressListener;
import dev.flashgate.core.pkg.VerificationReport;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.UpdateSessions;

/** The Status view starts a session from a verified package and a checked device and follows it to the end. */
class StatusPartTest {

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt != null) {
            swt.close();
            bench.close();
        }
    }

    private VerificationReport verified(String version) throws Exception {
        Path image = dir.resolve(version + ".bin");
        DemoFirmware.image(image, "HS920S", version, 3, 192 * 1024, version.hashCode());
        Path pkg = bench.pack(version, Map.of("vendor", "Workbench test", "version", version, "versionCode", 900L,
                "securityVersion", 3L, "target.plugin", "at-ymodem", "target.models", List.of("HS920S")),
                List.of(new PackRequest.Source(image, "images/hs920s.bin", "image")), true);
        VerificationReport r = bench.service(PackageVerifier.class).verify(pkg, bench.anchors(), ProgressListener.NONE);
        assertTrue(r.verified(), r.verdict()::toString);
        return r;
    }

    private StatusPart view(VerifiedPackages packages) throws Exception {
        StatusPart part = new StatusPart(packages);
        part.setSessions(bench.service(UpdateSessions.class));
        part.setDiscovery(bench.service(DeviceDiscovery.class));
        part.create(swt.parent());
        swt.deliver(part::sessionEvent, Topics.SESSION_ALL);
        swt.deliver(part::deviceEvent, Topics.DEVICE_ALL);
        swt.open();
        return part;
    }

    private static TableItem row(org.eclipse.swt.widgets.Table table, String contains) {
        for (TableItem item : table.getItems()) {
            for (int i = 0; i < table.getColumnCount(); i++) {
                if (item.getText(i).contains(contains)) {
                    return item;
                }
            }
        }
        return null;
    }

    @Test
    void aSessionStartedFromTheViewReachesOneHundredPercent() throws Exception {
        VerifiedPackages packages = new VerifiedPackages();
        StatusPart part = view(packages);
        SimulatedDevice hotspot = bench.start("HS920S");
        bench.discovered(hotspot);
        packages.add(verified("FG_HS920S_S91"), bench.anchors());
        swt.until(() -> row(part.devices(), hotspot.imei()) != null, Duration.ofSeconds(20), "the hotspot is offered");
        TableItem device = row(part.devices(), hotspot.imei());
        assertEquals("compatible: " + hotspot.revision() + " -> FG_HS920S_S91", device.getText(3));
        device.setChecked(true);
        part.startChecked();
        assertEquals("Started 1 session.", part.message());
        // (the engine also lists sessions other tests of this runtime ran: look at this device's)
        swt.until(() -> row(part.sessionsTable(), hotspot.imei()) != null
                && row(part.sessionsTable(), hotspot.imei()).getText(6).startsWith("SUCCEEDED"), Duration.ofSeconds(60),
                "the session succeeds");
        TableItem session = row(part.sessionsTable(), hotspot.imei());
        assertEquals("FG_HS920S_S91", session.getText(1));
        assertEquals("100 %", session.getText(3));
        assertTrue(session.getText(6).startsWith("SUCCEEDED: UPDATED"), session.getText(6));
        assertEquals("FG_HS920S_S91", hotspot.revision());
        swt.screenshot("status");
    }

    @Test
    void devicesThePackageIsNotForAreSaidSoBeforeTheStart() throws Exception {
        VerifiedPackages packages = new VerifiedPackages();
        StatusPart part = view(packages);
        SimulatedDevice modem = bench.start("MF833S");
        bench.discovered(modem);
        packages.add(verified("FG_HS920S_S92"), bench.anchors());
        swt.until(() -> row(part.devices(), modem.imei()) != null, Duration.ofSeconds(20), "the modem is listed");
        assertEquals("no installed plugin 'at-ymodem' handles this device", row(part.devices(), modem.imei()).getText(3));
        part.startChecked();
        assertEquals("Choose a verified package and check the devices to update.", part.message());
    }

    @Test
    void sessionOptionsComeFromTheWorkbenchPreferences() throws Exception {
        StatusPart part = view(new VerifiedPackages());
        assertEquals(SessionOptions.DEFAULTS, part.options(), "without a preference store: the defaults");
        IEclipsePreferences prefs = InstanceScope.INSTANCE.getNode(SessionSettings.NODE + ".test" + System.nanoTime());
        part.setPreferences(prefs);
        assertEquals(SessionOptions.DEFAULTS, part.options(), "an empty node: the defaults");
        SessionOptions chosen = SessionOptions.DEFAULTS.withStallTimeout(Duration.ofSeconds(7)).withReconnectTimeout(Duration.ofSeconds(90))
                .withRetries(4);
        SessionSettings.write(prefs, chosen);
        assertEquals(chosen, part.options());
        assertEquals(7, prefs.getLong(SessionSettings.STALL_SECONDS, -1), "stored under the documented key");
        prefs.removeNode();
    }
}
