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
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * A stand-in for the Hugging Face Hub on the loopback address: serves one repo from a local folder with the
 * headers the Hub sends (X-Repo-Commit; ETag as the git blob sha1 for small files; X-Linked-Etag as the sha256
 * and X-Linked-Size for safetensors files), returns 401 for any repo whose name contains "gated" and 404 for
 * anything else.
 */
public final class LocalHub implements AutoCloseable {

    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private final String repoId;
    private final Path files;
    private final HttpServer server;

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

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
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
        send(exchange, 200, content);
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
