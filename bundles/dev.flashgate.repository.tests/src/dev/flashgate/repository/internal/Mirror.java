package dev.flashgate.repository.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A hostile mirror on loopback: serves a repository folder (switchable, to replay an old copy),
 * with files swapped for other bytes, and downloads of {@code targets/} that drip, stop half-way
 * or never end.
 */
final class Mirror implements AutoCloseable {

    enum Behaviour {
        HONEST, DRIP, SILENT, TRUNCATE, ENDLESS
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, byte[]> swapped = new ConcurrentHashMap<>();
    private volatile Path folder;
    private volatile Behaviour targets = Behaviour.HONEST;

    Mirror(Path folder) throws IOException {
        this.folder = folder;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    void serve(Path other) {
        folder = other;
    }

    /** Serves {@code bytes} at {@code path} instead of the file. */
    void swap(String path, byte[] bytes) {
        swapped.put(path, bytes);
    }

    void targets(Behaviour behaviour) {
        targets = behaviour;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(1);
            byte[] body = swapped.get(path);
            if (body == null) {
                Path file = folder.resolve(path).normalize();
                if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                body = Files.readAllBytes(file);
            }
            Behaviour behaviour = path.startsWith("targets/") ? targets : Behaviour.HONEST;
            OutputStream out = exchange.getResponseBody();
            switch (behaviour) {
                case HONEST -> {
                    exchange.sendResponseHeaders(200, body.length);
                    out.write(body);
                }
                case TRUNCATE -> {
                    // no length announced (chunked): the client sees a clean end of stream half-way
                    exchange.sendResponseHeaders(200, 0);
                    out.write(body, 0, body.length / 2);
                }
                case ENDLESS -> {
                    exchange.sendResponseHeaders(200, 0);
                    out.write(body);
                    byte[] more = new byte[64 * 1024];
                    for (int i = 0; i < 1024; i++) {
                        out.write(more);
                    }
                }
                case DRIP -> {
                    exchange.sendResponseHeaders(200, body.length);
                    for (int i = 0; i < body.length; i++) {
                        out.write(body[i]);
                        out.flush();
                        sleep(100);
                    }
                }
                case SILENT -> {
                    exchange.sendResponseHeaders(200, body.length);
                    out.flush();
                    sleep(60_000);
                }
            }
            out.close();
        } catch (IOException e) {
            // the client hung up (as it must on a hostile mirror), or the cut-off above
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("mirror stopped");
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
