package dev.flashgate.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.FieldOption;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.FlashgateHome;
import dev.flashgate.core.Topics;
import dev.flashgate.core.pkg.TrustStore;
import dev.flashgate.core.plugin.PluginSignature;
import dev.flashgate.core.plugin.PluginVerifier;
import dev.flashgate.upgrade.InstalledPlugin;
import dev.flashgate.upgrade.PluginInfo;
import dev.flashgate.upgrade.PluginInstaller;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * Installs plugin bundles into the running framework. Each installed plugin is kept as
 * {@code <home>/plugins/<symbolic name>.jar}, installed under the location
 * {@code flashgate-plugin:<symbolic name>} and started transiently, so the framework never starts
 * it by itself: at every start of the station this component checks each jar again and only then
 * starts it (a jar changed on disk meanwhile is refused and its bundle stays stopped).
 */
@Component(service = PluginInstaller.class, immediate = true)
public final class PluginManager implements PluginInstaller {

    static final String LOCATION = "flashgate-plugin:";
    private static final String JAR = ".jar";
    private static final Pattern SYMBOLIC_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private final BundleContext context;
    private final PluginVerifier verifier;
    private final PluginLeases leases;
    private final TrustStore trust;
    private final Path folder;
    /** Installed jars refused at this start, by symbolic name. */
    private final Map<String, InstalledPlugin> refused = new ConcurrentHashMap<>();
    /** The signatures of the installed plugins as last checked, by symbolic name. */
    private final Map<String, PluginSignature> signatures = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, fieldOption = FieldOption.UPDATE)
    private final List<UpgradePlugin> plugins = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin events;

    @Activate
    public PluginManager(@Reference PluginVerifier verifier, @Reference TrustStore packageTrust,
            @Reference PluginLeases leases, BundleContext context) {
        this.context = context;
        this.verifier = verifier;
        this.leases = leases;
        Path home = FlashgateHome.resolve(context.getProperty(FlashgateHome.PROPERTY));
        this.trust = packageTrust.inFolder(home.resolve("plugin-trust"));
        this.folder = home.resolve("plugins");
        restore();
    }

    @Override
    public TrustStore trust() {
        return trust;
    }

    @Override
    public synchronized List<InstalledPlugin> list() {
        Map<String, InstalledPlugin> all = new TreeMap<>(refused);
        for (Bundle b : context.getBundles()) {
            boolean ours = ours(b);
            List<PluginInfo> provided = provided(b);
            if (ours || !provided.isEmpty()) {
                all.put(b.getSymbolicName(), describe(b, provided));
            }
        }
        return List.copyOf(all.values());
    }

    private InstalledPlugin describe(Bundle b, List<PluginInfo> provided) {
        boolean ours = ours(b);
        InstalledPlugin.Status status = (b.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0 ? InstalledPlugin.Status.ACTIVE
                : InstalledPlugin.Status.INACTIVE;
        PluginSignature signature = ours ? signatures.get(b.getSymbolicName()) : null;
        return new InstalledPlugin(b.getSymbolicName(), b.getVersion().toString(),
                ours ? InstalledPlugin.Origin.INSTALLED : InstalledPlugin.Origin.BUILT_IN, status,
                signature == null ? null : signature.signer(), provided, null, null);
    }

    private List<PluginInfo> provided(Bundle b) {
        return plugins.stream().filter(p -> FrameworkUtil.getBundle(p.getClass()) == b).map(UpgradePlugin::info)
                .sorted(Comparator.comparing(PluginInfo::id)).toList();
    }

    @Override
    public synchronized List<InstalledPlugin> install(Path source, String feature) throws FlashgateException {
        readable(source);
        List<Path> files;
        Path unpacked = null;
        try {
            Files.createDirectories(folder);
            if (Files.isDirectory(source) || source.getFileName().toString().endsWith(".zip")) {
                P2Repository repo = P2Repository.open(source, folder);
                unpacked = repo.unpacked();
                files = repo.bundles(feature);
            } else {
                files = List.of(source);
            }
            List<Incoming> incoming = new ArrayList<>();
            try {
                for (Path file : files) {
                    incoming.add(check(file));
                }
                List<Incoming> changes = new ArrayList<>();
                for (Incoming in : incoming) {
                    if (!alreadyBuiltIn(in)) {
                        changes.add(in);
                    }
                }
                apply(changes);
                List<InstalledPlugin> done = new ArrayList<>();
                for (Incoming in : changes) {
                    signatures.put(in.name(), in.signature());
                    refused.remove(in.name());
                    Bundle b = installed(in.name()).orElseThrow();
                    post(Topics.PLUGIN_INSTALLED, in.name(), in.version(), null);
                    done.add(describe(b, provided(b)));
                }
                return done;
            } finally {
                for (Incoming in : incoming) {
                    Files.deleteIfExists(in.file());
                }
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot install from " + source + ": " + e.getMessage(), e);
        } finally {
            P2Repository.deleteTree(unpacked);
        }
    }

    private static void readable(Path source) throws FlashgateException {
        if (!Files.isReadable(source)) {
            throw new FlashgateException(ErrorCode.USAGE, "cannot read " + source);
        }
    }

    /** A copy of the plugin in the plugins folder, checked; its name and version are the signed manifest's. */
    private record Incoming(Path file, String name, String version, PluginSignature signature) {
    }

    private Incoming check(Path source) throws IOException, FlashgateException {
        Path copy = Files.createTempFile(folder, ".incoming-", JAR);
        try {
            Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
            PluginSignature s = verifier.verify(copy, trust.anchors());
            if (!SYMBOLIC_NAME.matcher(s.symbolicName()).matches()) {
                throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, "'" + s.symbolicName() + "' is not a bundle symbolic name");
            }
            return new Incoming(copy, s.symbolicName(), s.version(), s);
        } catch (FlashgateException e) {
            Files.deleteIfExists(copy);
            post(Topics.PLUGIN_REFUSED, source.getFileName().toString(), null, e.code());
            throw e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
    }

    /** True when the product brings this very bundle; a built-in bundle of another version is a conflict. */
    private boolean alreadyBuiltIn(Incoming in) throws FlashgateException {
        for (Bundle b : context.getBundles()) {
            if (in.name().equals(b.getSymbolicName()) && !ours(b)) {
                if (b.getVersion().equals(Version.parseVersion(in.version()))) {
                    return true;
                }
                throw new FlashgateException(ErrorCode.PLUGIN_CONFLICT, in.name() + " " + b.getVersion()
                        + " comes with Flashgate; another version of it cannot be installed beside it");
            }
        }
        return false;
    }

    /**
     * Puts the checked jars in place and starts them, or leaves everything as it was: replaced
     * plugins are retired first (refused while a session runs one), and any failure rolls back.
     */
    private void apply(List<Incoming> changes) throws FlashgateException, IOException {
        Map<String, Bundle> replaced = new HashMap<>();
        try {
            for (Incoming in : changes) {
                Optional<Bundle> old = installed(in.name());
                if (old.isPresent()) {
                    if (old.get().getVersion().compareTo(Version.parseVersion(in.version())) > 0) {
                        throw new FlashgateException(ErrorCode.PLUGIN_CONFLICT, in.name() + " " + old.get().getVersion()
                                + " is installed, newer than " + in.version() + "; remove it first to go back");
                    }
                    leases.retire(old.get());
                    replaced.put(in.name(), old.get());
                }
            }
        } catch (FlashgateException e) {
            replaced.values().forEach(leases::settle);
            throw e;
        }
        List<Bundle> started = new ArrayList<>();
        List<Incoming> placed = new ArrayList<>();
        try {
            for (Incoming in : changes) {
                Path target = jar(in.name());
                if (Files.exists(target)) {
                    Files.move(target, previous(in.name()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(in.file(), target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                placed.add(in);
                Bundle old = replaced.get(in.name());
                Bundle b = load(in.name(), old);
                started.add(b);
            }
            for (Bundle b : started) {
                start(b);
            }
        } catch (FlashgateException | IOException | RuntimeException e) {
            rollBack(placed);
            throw e;
        } finally {
            replaced.values().forEach(leases::settle);
        }
        for (Incoming in : placed) {
            Files.deleteIfExists(previous(in.name()));
        }
    }

    /** Puts back what {@code placed} replaced (its bundle updated again from the old jar) or takes out what was new. */
    private void rollBack(List<Incoming> placed) {
        List<Bundle> removed = new ArrayList<>();
        for (Incoming in : placed) {
            try {
                Bundle b = installed(in.name()).orElse(null);
                if (Files.exists(previous(in.name()))) {
                    Files.move(previous(in.name()), jar(in.name()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    if (b != null) {
                        load(in.name(), b);
                        start(b);
                    }
                } else {
                    Files.deleteIfExists(jar(in.name()));
                    if (b != null) {
                        b.uninstall();
                        removed.add(b);
                    }
                }
            } catch (IOException | BundleException | FlashgateException | RuntimeException e) {
                // best effort: the next start checks the plugins folder again and settles what is left
            }
        }
        if (!removed.isEmpty()) { // a bundle updated back was refreshed by load()
            refresh(removed);
        }
    }

    /** Installs the bundle from its jar in the plugins folder, or updates {@code existing} from it. */
    private Bundle load(String name, Bundle existing) throws IOException, FlashgateException {
        try (InputStream in = Files.newInputStream(jar(name))) {
            if (existing != null) {
                existing.update(in);
                refresh(List.of(existing));
                return existing;
            }
            return context.installBundle(LOCATION + name, in);
        } catch (BundleException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_CONFLICT, name + " cannot be installed: " + e.getMessage(), e);
        }
    }

    private static void start(Bundle b) throws FlashgateException {
        try {
            b.start(Bundle.START_TRANSIENT);
        } catch (BundleException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_CONFLICT, b.getSymbolicName() + " does not start: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized InstalledPlugin remove(String symbolicName) throws FlashgateException {
        Optional<Bundle> bundle = installed(symbolicName);
        InstalledPlugin gone = refused.remove(symbolicName);
        try {
            if (bundle.isEmpty()) {
                if (gone == null) {
                    throw new FlashgateException(ErrorCode.PLUGIN_NOT_INSTALLED, symbolicName + " is not installed here"
                            + (builtIn(symbolicName) ? " (it comes with Flashgate)" : ""));
                }
                Files.deleteIfExists(jar(symbolicName));
                post(Topics.PLUGIN_REMOVED, symbolicName, gone.version(), null);
                return gone;
            }
            Bundle b = bundle.get();
            InstalledPlugin before = describe(b, provided(b));
            leases.retire(b);
            try {
                b.uninstall();
            } finally {
                leases.settle(b);
            }
            refresh(List.of(b));
            Files.deleteIfExists(jar(symbolicName));
            signatures.remove(symbolicName);
            post(Topics.PLUGIN_REMOVED, symbolicName, before.version(), null);
            return before;
        } catch (BundleException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_CONFLICT, symbolicName + " cannot be uninstalled: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot delete " + jar(symbolicName) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> features(Path repository) throws FlashgateException {
        readable(repository);
        try {
            Files.createDirectories(folder);
            P2Repository repo = P2Repository.open(repository, folder);
            try {
                return repo.features();
            } finally {
                P2Repository.deleteTree(repo.unpacked());
            }
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_DISK_FULL, "cannot read " + repository + ": " + e.getMessage(), e);
        }
    }

    /**
     * At start: finishes or undoes a replacement cut short, then checks every installed jar and
     * starts the bundles that pass; bundles whose jar is gone are uninstalled.
     */
    private void restore() {
        List<Path> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith(".previous-") && n.endsWith(JAR)) {
                    Path current = folder.resolve(n.substring(".previous-".length()));
                    if (Files.exists(current)) {
                        Files.delete(f);
                    } else {
                        Files.move(f, current, StandardCopyOption.ATOMIC_MOVE);
                        jars.add(current);
                    }
                } else if (n.startsWith(".")) {
                    if (Files.isDirectory(f)) {
                        P2Repository.deleteTree(f);
                    } else {
                        Files.deleteIfExists(f);
                    }
                } else if (n.endsWith(JAR)) {
                    jars.add(f);
                }
            }
        } catch (IOException e) {
            // no plugins folder yet: nothing was installed
        }
        for (Bundle b : context.getBundles()) {
            if (ours(b) && !jars.contains(jar(b.getSymbolicName()))) {
                uninstallQuietly(b);
            }
        }
        for (Path file : jars) {
            String name = file.getFileName().toString();
            name = name.substring(0, name.length() - JAR.length());
            Optional<Bundle> existing = installed(name);
            try {
                PluginSignature s = verifier.verify(file, trust.anchors());
                if (!s.symbolicName().equals(name)) {
                    throw new FlashgateException(ErrorCode.PLUGIN_TAMPERED, file.getFileName() + " holds " + s.symbolicName());
                }
                Bundle b = existing.isPresent() && existing.get().getVersion().equals(Version.parseVersion(s.version()))
                        && existing.get().getLastModified() >= Files.getLastModifiedTime(file).toMillis()
                                ? existing.get() : load(name, existing.orElse(null));
                start(b);
                signatures.put(name, s);
            } catch (FlashgateException e) {
                existing.ifPresent(PluginManager::uninstallQuietly);
                refused.put(name, refusal(name, e));
                post(Topics.PLUGIN_REFUSED, name, null, e.code());
            } catch (IOException e) {
                refused.put(name, refusal(name, new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, e.getMessage(), e)));
            }
        }
    }

    private static InstalledPlugin refusal(String name, FlashgateException e) {
        return new InstalledPlugin(name, null, InstalledPlugin.Origin.INSTALLED, InstalledPlugin.Status.REFUSED, null, List.of(),
                e.code(), e.detail());
    }

    private static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            // already gone
        }
    }

    /** Refreshes the wiring of bundles removed or updated and waits until the framework is done. */
    private void refresh(List<Bundle> bundles) {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(bundles, event -> done.countDown());
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the framework did not finish refreshing " + bundles);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<Bundle> installed(String name) {
        return Optional.ofNullable(context.getBundle(LOCATION + name));
    }

    private boolean builtIn(String name) {
        return Stream.of(context.getBundles()).anyMatch(b -> name.equals(b.getSymbolicName()) && !ours(b));
    }

    private static boolean ours(Bundle b) {
        return b.getLocation().startsWith(LOCATION);
    }

    private Path jar(String name) {
        return folder.resolve(name + JAR);
    }

    private Path previous(String name) {
        return folder.resolve(".previous-" + name + JAR);
    }

    private void post(String topic, String plugin, String version, ErrorCode code) {
        EventAdmin admin = events;
        if (admin == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(Topics.KEY_PLUGIN, plugin);
        if (version != null) {
            props.put(Topics.KEY_VERSION, version);
        }
        if (code != null) {
            props.put(Topics.KEY_CODE, code.name());
        }
        admin.postEvent(new Event(topic, props));
    }
}
