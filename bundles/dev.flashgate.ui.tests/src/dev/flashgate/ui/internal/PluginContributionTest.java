package dev.flashgate.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.e4.ui.internal.workbench.E4XMIResourceFactory;
import org.eclipse.e4.ui.internal.workbench.ModelAssembler;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.impl.ApplicationPackageImpl;
import org.eclipse.e4.ui.model.application.ui.MElementContainer;
import org.eclipse.e4.ui.model.application.ui.MUIElement;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.fragment.impl.FragmentPackageImpl;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.emf.ecore.resource.impl.ResourceSetImpl;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.pkg.CertificateInfo;
import dev.flashgate.core.pkg.PackRequest;
import dev.flashgate.core.session.SessionState;
import dev.flashgate.simulator.DemoFirmware;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.testkit.PluginBench;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.SessionOptions;
import dev.flashgate.upgrade.UpdateSessions;

/**
 * A plugin brings its own view: the example plugin's feature, installed from this build's signed
 * repository into the running runtime, carries a bundle whose model fragment the workbench's model
 * assembler merges into the workbench model at once (and takes out again when it is removed); the
 * contributed view shows the module's update.
 */
class PluginContributionTest {

    private static final String PART = "dev.flashgate.plugin.atfota.ui.part.modules";

    @TempDir
    Path dir;

    private PluginBench bench;
    private SwtBench swt;
    private PluginInstaller installer;
    private CertificateInfo anchor;

    @BeforeEach
    void setUp() throws Exception {
        SwtBench.assumeDisplay();
        bench = new PluginBench(dir);
        swt = new SwtBench();
        installer = bench.service(PluginInstaller.class);
        anchor = installer.trust().add(repository().getParent().getParent().resolve("signing/dev-plugin-signing.pem")).get(0);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (swt == null) {
            return;
        }
        for (String bundle : List.of("dev.flashgate.plugin.atfota.ui", "dev.flashgate.plugin.atfota")) {
            try {
                installer.remove(bundle);
            } catch (FlashgateException e) {
                // removed by the test already
            }
        }
        if (anchor != null) {
            installer.trust().remove(anchor.sha256Fingerprint());
        }
        swt.close();
        bench.close();
    }

    private static Path repository() {
        return Path.of(System.getProperty("flashgate.reactor"), "releng", "dev.flashgate.plugins.repository", "target", "repository");
    }

    /** The workbench's own model, as the e4 application loads it. */
    private static MApplication applicationModel() {
        ResourceSet resources = new ResourceSetImpl();
        resources.getResourceFactoryRegistry().getExtensionToFactoryMap().put(Resource.Factory.Registry.DEFAULT_EXTENSION,
                new E4XMIResourceFactory());
        resources.getPackageRegistry().put(ApplicationPackageImpl.eNS_URI, ApplicationPackageImpl.eINSTANCE);
        resources.getPackageRegistry().put(FragmentPackageImpl.eNS_URI, FragmentPackageImpl.eINSTANCE);
        Resource model = resources.getResource(URI.createPlatformPluginURI("dev.flashgate.ui/Application.e4xmi", true), true);
        return (MApplication) model.getContents().get(0);
    }

    private static MPart contributed(MApplication app) {
        for (MUIElement e : find(app, "dev.flashgate.ui.pluginsStack").getChildren()) {
            if (PART.equals(e.getElementId())) {
                return (MPart) e;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static MElementContainer<MUIElement> find(MApplication app, String id) {
        java.util.ArrayDeque<MUIElement> todo = new java.util.ArrayDeque<>(app.getChildren());
        while (!todo.isEmpty()) {
            MUIElement e = todo.pop();
            if (id.equals(e.getElementId())) {
                return (MElementContainer<MUIElement>) e;
            }
            if (e instanceof MElementContainer<?> c) {
                todo.addAll(c.getChildren());
            }
        }
        throw new AssertionError("no " + id + " in the workbench model");
    }

    @Test
    void theExamplePluginsViewComesWithItsFeatureAndGoesWithIt() throws Exception {
        MApplication app = applicationModel();
        IEclipseContext context = EclipseContextFactory.getServiceContext(
                FrameworkUtil.getBundle(PluginContributionTest.class).getBundleContext()).createChild("workbench");
        context.set(UISynchronize.class, swt.sync());
        ModelAssembler assembler = bench.service(ModelAssembler.class);
        assembler.init(app, context, swt.sync());
        assembler.processModel(true);
        assertEquals(null, contributed(app), "the model has no view of the example plugin before it is installed");

        installer.install(repository(), "dev.flashgate.plugin.atfota.feature");
        swt.until(() -> contributed(app) != null, Duration.ofSeconds(10), "the plugin's view is in the model");
        MPart part = contributed(app);
        assertEquals("LTE modules", part.getLabel());

        // render it as the workbench would: its class from the installed bundle, injected
        Bundle ui = FrameworkUtil.getBundle(PluginContributionTest.class).getBundleContext().getBundle("flashgate-plugin:"
                + "dev.flashgate.plugin.atfota.ui");
        Class<?> type = ui.loadClass(part.getContributionURI().substring(part.getContributionURI().lastIndexOf('/') + 1));
        IEclipseContext partContext = context.createChild("part");
        partContext.set(Composite.class, swt.parent());
        Object view = ContextInjectionFactory.make(type, partContext);
        swt.open();

        SimulatedDevice lte = bench.start("ME360S");
        Device device = bench.discovered(lte);
        Path image = dir.resolve("me360s.bin");
        DemoFirmware.image(image, "ME360S", "FG_ME360S_U01", 2, 64 * 1024, 3);
        Path pkg = bench.pack("me360s", Map.of("vendor", "Test", "version", "FG_ME360S_U01", "versionCode", 2L, "securityVersion", 2L,
                "target.plugin", "at-fota", "target.models", List.of("ME360S")),
                List.of(new PackRequest.Source(image, "images/me360s.bin", "image")), true);
        assertEquals(SessionState.SUCCEEDED, bench.run(bench.request(pkg, device, SessionOptions.DEFAULTS, false)).record().state());
        Table table = (Table) ((Composite) swt.shell.getChildren()[0]).getChildren()[0];
        type.getMethod("refresh").invoke(view);
        String rows = Tables.text(table);
        assertTrue(rows.contains(lte.imei()) && rows.contains("FG_ME360S_U01") && rows.contains("SUCCEEDED")
                && rows.contains("the module installed the firmware"), rows);
        swt.screenshot("plugin-view");
        ContextInjectionFactory.uninject(view, partContext);

        installer.remove("dev.flashgate.plugin.atfota.ui");
        installer.remove("dev.flashgate.plugin.atfota");
        swt.until(() -> contributed(app) == null, Duration.ofSeconds(10), "the plugin's view left the model with it");
        assertTrue(bench.service(UpdateSessions.class).plugins().stream().noneMatch(p -> p.id().equals("at-fota")));
    }
}
