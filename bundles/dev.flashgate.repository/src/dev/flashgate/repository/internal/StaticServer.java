package dev.flashgate.repository.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.repository.RepositoryPublisher;

/**
 * Serves a repository folder read-only over HTTP (the JDK's server): GET and HEAD of files under
 * {@code metadata/} and {@code targets/}, nothing else, never a path outside the folder.
 */
final class StaticServer implements RepositoryPublisher.Server {

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI uri;

    private StaticServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    }

    static StaticServer start(Path top, InetSocketAddress address) throws FlashgateException {
        Path root = top.toAbsolutePath().normalize();
        try {
            HttpServer server = HttpServer.create(address, 64);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            server.createContext("/", exchange -> serve(root, exchange));
            server.start();
            return new StaticServer(server, executor);
        } catch (IOException e) {
            throw new FlashgateException(ErrorCode.HOST_IO, "cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static void serve(Path root, HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Path file = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
            boolean allowed = file.startsWith(root.resolve("metadata")) || file.startsWith(root.resolve("targets"));
            if (!allowed || !Files.isRegularFile(file) || file.getFileName().toString().startsWith(".")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long length = Files.size(file);
            exchange.getResponseHeaders().set("Content-Type",
                    file.toString().endsWith(".json") ? "application/json" : "application/octet-stream");
            if ("HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
