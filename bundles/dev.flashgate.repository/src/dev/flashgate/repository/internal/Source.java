package dev.flashgate.repository.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a repository's files come from, by path below its top folder ({@code metadata/1.root.json},
 * {@code targets/<hash>.<name>}): over HTTP(S) from its location, or from a copy in a folder.
 * A file that is not there is a {@link FileNotFoundException}; anything else that fails to open is an
 * {@link IOException}.
 */
interface Source {

    InputStream open(String path) throws IOException;

    String describe();

    static Source of(URI location, Duration stallTimeout) {
        if ("file".equals(location.getScheme())) {
            return folder(Path.of(location));
        }
        return new Http(location.toString().endsWith("/") ? location : URI.create(location + "/"), stallTimeout);
    }

    static Source folder(Path top) {
        return new Source() {
            @Override
            public InputStream open(String path) throws IOException {
                Path file = top.resolve(path).normalize();
                if (!file.startsWith(top.normalize())) {
                    throw new FileNotFoundException(path);
                }
                try {
                    return Files.newInputStream(file);
                } catch (NoSuchFileException e) {
                    throw new FileNotFoundException(path);
                }
            }

            @Override
            public String describe() {
                return top.toString();
            }
        };
    }

    /** Plain GETs; the read timeout is the stall timeout, so a silent server cannot hold a download. */
    record Http(URI base, Duration stallTimeout) implements Source {

        @Override
        public InputStream open(String path) throws IOException {
            HttpURLConnection connection = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            connection.setConnectTimeout((int) stallTimeout.toMillis());
            connection.setReadTimeout((int) stallTimeout.toMillis());
            connection.setInstanceFollowRedirects(true); // a CDN may redirect: what arrives is checked against signed metadata anyway
            connection.setUseCaches(false);
            connection.setRequestProperty("User-Agent", "Flashgate");
            int status = connection.getResponseCode();
            if (status == HttpURLConnection.HTTP_NOT_FOUND) {
                connection.disconnect();
                throw new FileNotFoundException(path);
            }
            if (status != HttpURLConnection.HTTP_OK) {
                connection.disconnect();
                throw new IOException(base.resolve(path) + " answered HTTP " + status);
            }
            return connection.getInputStream();
        }

        @Override
        public String describe() {
            return base.toString();
        }
    }
}
