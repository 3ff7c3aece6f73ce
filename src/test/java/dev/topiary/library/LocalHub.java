package dev.topiary.library;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A stand-in for the Hugging Face Hub on the loopback address: serves one repo from a local folder with the
 * headers the Hub sends (X-Repo-Commit; ETag as the git blob sha1 for small files; X-Linked-Etag as the sha256
 * and X-Linked-Size for safetensors files), returns 401 for any repo whose name contains "gated" and 404 for
 * anything else. Honours {@code Range: bytes=N-}, records every request, and can cut off or corrupt the next
 * safetensors body to test resumption and checksums.
 */
public final class LocalHub implements AutoCloseable {

    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private final String repoId;
    private final Path files;
    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** Bytes after which the next safetensors body is cut off, or -1. */
    private final AtomicInteger cutAfter = new AtomicInteger(-1);
    private volatile boolean corrupt;

    private LocalHub(String repoId, Path files) throws IOException {
        this.repoId = repoId;
        this.files = files;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts serving the files of {@code folder} as {@code repoId} at revision main. */
    public static LocalHub serve(String repoId, Path folder) throws IOException {
        return new LocalHub(repoId, folder);
    }

    /** Returns the address to give the downloader in place of https://huggingface.co. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Returns the address's port, to reuse after {@link #close()} as an unreachable endpoint. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Returns each request so far as "METHOD path" followed by its Range header's value, if any. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Returns the Authorization header of each request so far, null where there was none. */
    public List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    /** Drops the connection after {@code bytes} bytes of the next safetensors body. */
    public void cutNextSafetensorsAfter(int bytes) {
        cutAfter.set(bytes);
    }

    /** Flips one bit at the end of every safetensors body from now on, so its sha256 no longer matches. */
    public void corruptSafetensors() {
        corrupt = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path
                + exchange.getRequestHeaders().getOrDefault("Range", List.of("")).get(0));
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        if (path.contains("gated")) {
            send(exchange, 401, new byte[0]);
            return;
        }
        if (path.equals("/api/models/" + repoId + "/revision/main")) {
            sendRepoInfo(exchange);
            return;
        }
        String prefix = "/" + repoId + "/resolve/" + COMMIT + "/";
        if (!path.startsWith(prefix) || !Files.isRegularFile(files.resolve(path.substring(prefix.length())))) {
            send(exchange, 404, new byte[0]);
            return;
        }
        String name = path.substring(prefix.length());
        byte[] content = Files.readAllBytes(files.resolve(name));
        exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (name.endsWith(".safetensors")) {
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + hex("SHA-256", content, "") + "\"");
            exchange.getResponseHeaders().add("X-Linked-Size", String.valueOf(content.length));
        } else {
            exchange.getResponseHeaders().add("ETag", "\"" + hex("SHA-1", content, "blob " + content.length + "\0")
                    + "\"");
        }
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Content-Length", String.valueOf(content.length));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            return;
        }
        sendBody(exchange, content, name.endsWith(".safetensors"));
    }

    private void sendBody(HttpExchange exchange, byte[] content, boolean lfs) throws IOException {
        byte[] body = content.clone();
        if (corrupt && lfs) {
            body[body.length - 1] ^= 1;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        int start = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
        exchange.sendResponseHeaders(start > 0 ? 206 : 200, body.length - start);
        try (OutputStream out = exchange.getResponseBody()) {
            int cut = lfs ? cutAfter.getAndSet(-1) : -1;
            if (cut >= 0) {
                out.write(body, start, cut);
                out.flush();
                throw new IOException("cut off on purpose"); // drops the connection mid-body
            }
            out.write(body, start, body.length - start);
        }
    }

    private void sendRepoInfo(HttpExchange exchange) throws IOException {
        StringBuilder siblings = new StringBuilder();
        try (Stream<Path> listed = Files.list(files)) {
            for (Path file : listed.sorted().toList()) {
                siblings.append(siblings.length() == 0 ? "" : ",").append("{\"rfilename\":\"")
                        .append(file.getFileName()).append("\"}");
            }
        }
        send(exchange, 200, ("{\"sha\":\"" + COMMIT + "\",\"siblings\":[" + siblings + "]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    private static String hex(String algorithm, byte[] content, String prefix) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(prefix.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
