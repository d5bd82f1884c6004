package dev.flashgate.upgrade.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * A p2 repository in the standard layout, as Tycho and the PDE build write it: feature jars under
 * {@code features/<id>_<version>.jar}, each with its {@code feature.xml}, and bundles under
 * {@code plugins/<id>_<version>.jar}. A zipped repository is unpacked into a scratch folder first.
 */
final class P2Repository {

    private static final long MAX_UNPACKED = 512L * 1024 * 1024;

    private final Path root;
    private final Path unpacked;
    private final Map<String, Feature> features;

    private record Feature(String id, String version, List<String[]> plugins, List<String> includes) {
    }

    private P2Repository(Path root, Path unpacked, Map<String, Feature> features) {
        this.root = root;
        this.unpacked = unpacked;
        this.features = features;
    }

    static P2Repository open(Path source, Path scratchParent) throws IOException, FlashgateException {
        Path unpacked = null;
        Path root = source;
        try {
            if (!Files.isDirectory(source)) {
                unpacked = Files.createTempDirectory(scratchParent, ".repository-");
                unzip(source, unpacked);
                root = single(unpacked);
            }
            if (!Files.isDirectory(root.resolve("features"))) {
                throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, source + " is not a p2 repository with features "
                        + "(no features/ folder)");
            }
            Map<String, Feature> features = new TreeMap<>();
            try (Stream<Path> jars = Files.list(root.resolve("features"))) {
                for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    Feature f = feature(jar);
                    features.put(f.id(), f);
                }
            }
            return new P2Repository(root, unpacked, features);
        } catch (IOException | FlashgateException | RuntimeException e) {
            deleteTree(unpacked);
            throw e;
        }
    }

    /** The scratch folder a zip was unpacked into, or {@code null}. */
    Path unpacked() {
        return unpacked;
    }

    List<String> features() {
        return List.copyOf(features.keySet());
    }

    /** The bundle jars of {@code featureId} and the features it includes; {@code null} when there is one feature. */
    List<Path> bundles(String featureId) throws FlashgateException {
        if (featureId == null) {
            if (features.size() != 1) {
                throw new FlashgateException(ErrorCode.USAGE, "the repository offers " + features.size() + " features "
                        + features.keySet() + "; name the one to install");
            }
            featureId = features.keySet().iterator().next();
        }
        Set<Path> out = new LinkedHashSet<>();
        collect(featureId, out, new LinkedHashSet<>());
        return List.copyOf(out);
    }

    private void collect(String id, Set<Path> out, Set<String> seen) throws FlashgateException {
        Feature f = features.get(id);
        if (f == null) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, "the repository has no feature " + id
                    + (features.isEmpty() ? "" : "; it offers " + features.keySet()));
        }
        if (!seen.add(id)) {
            return;
        }
        for (String[] plugin : f.plugins()) {
            Path jar = root.resolve("plugins").resolve(plugin[0] + "_" + plugin[1] + ".jar");
            if (!Files.isRegularFile(jar)) {
                throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, "feature " + id + " lists " + plugin[0] + " "
                        + plugin[1] + " but the repository does not hold " + root.relativize(jar));
            }
            out.add(jar);
        }
        for (String included : f.includes()) {
            collect(included, out, seen);
        }
    }

    private static Feature feature(Path jar) throws IOException, FlashgateException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry("feature.xml");
            if (entry == null) {
                throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, jar.getFileName() + " holds no feature.xml");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                Element root = factory.newDocumentBuilder().parse(in).getDocumentElement();
                List<String[]> plugins = new ArrayList<>();
                NodeList nodes = root.getElementsByTagName("plugin");
                for (int i = 0; i < nodes.getLength(); i++) {
                    Element p = (Element) nodes.item(i);
                    plugins.add(new String[] {p.getAttribute("id"), p.getAttribute("version")});
                }
                List<String> includes = new ArrayList<>();
                NodeList incl = root.getElementsByTagName("includes");
                for (int i = 0; i < incl.getLength(); i++) {
                    includes.add(((Element) incl.item(i)).getAttribute("id"));
                }
                return new Feature(root.getAttribute("id"), root.getAttribute("version"), plugins, includes);
            }
        } catch (ZipException | SAXException | ParserConfigurationException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, jar.getFileName() + " is not a feature: " + e.getMessage());
        }
    }

    private static void unzip(Path zipFile, Path target) throws IOException, FlashgateException {
        long total = 0;
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                Path out = target.resolve(e.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, zipFile.getFileName() + " names a file outside "
                            + "itself: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    continue;
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    total += Files.copy(in, out);
                }
                if (total > MAX_UNPACKED) {
                    throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, zipFile.getFileName() + " unpacks to more than "
                            + MAX_UNPACKED / (1024 * 1024) + " MiB");
                }
            }
        } catch (ZipException e) {
            throw new FlashgateException(ErrorCode.PLUGIN_NOT_A_BUNDLE, zipFile.getFileName() + " is neither a plugin jar nor a "
                    + "zipped repository: " + e.getMessage());
        }
    }

    /** A zip holding one top folder (the repository) is opened at that folder. */
    private static Path single(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> all = children.toList();
            return all.size() == 1 && Files.isDirectory(all.get(0)) ? all.get(0) : dir;
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a scratch folder left behind starts with a dot and is removed at the next start
        }
    }
}
