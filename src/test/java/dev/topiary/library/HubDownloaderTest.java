package dev.topiary.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelLoader;
import dev.topiary.model.TinyHfModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub downloader against a local HTTP server on the loopback address that serves a tiny model folder the
 * test writes, with the headers the Hub sends: X-Repo-Commit, ETag (git blob sha1) for small files, and
 * X-Linked-Etag (sha256) with X-Linked-Size for LFS files.
 */
class HubDownloaderTest {

    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path temp;
    private HttpServer server;
    private Path repoFiles;
    private final List<String> requests = new ArrayList<>();
    private final List<String> authorizations = new ArrayList<>();
    /** Byte count after which the next GET of model.safetensors is cut off, or -1. */
    private final AtomicInteger cutAfter = new AtomicInteger(-1);
    private volatile boolean corrupt;

    @BeforeEach
    void start() throws Exception {
        repoFiles = TinyHfModel.llama().write(temp.resolve("served"));
        Files.writeString(repoFiles.resolve("README.md"), "not downloaded");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private HubDownloader downloader(String token) {
        return new HubDownloader(endpoint(), token, new HfCache(temp.resolve("cache")));
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path
                + exchange.getRequestHeaders().getOrDefault("Range", List.of("")).get(0));
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        if (path.contains("org/gated")) {
            send(exchange, 401, new byte[0]);
            return;
        }
        if (path.startsWith("/api/models/org/tiny/revision/main")) {
            StringBuilder siblings = new StringBuilder();
            try (Stream<Path> files = Files.list(repoFiles)) {
                for (Path file : files.sorted().toList()) {
                    siblings.append(siblings.length() == 0 ? "" : ",").append("{\"rfilename\":\"")
                            .append(file.getFileName()).append("\"}");
                }
            }
            send(exchange, 200, ("{\"sha\":\"" + COMMIT + "\",\"siblings\":[" + siblings + "]}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String prefix = "/org/tiny/resolve/" + COMMIT + "/";
        if (!path.startsWith(prefix) || !Files.isRegularFile(repoFiles.resolve(path.substring(prefix.length())))) {
            send(exchange, 404, new byte[0]);
            return;
        }
        String name = path.substring(prefix.length());
        byte[] content = Files.readAllBytes(repoFiles.resolve(name));
        boolean lfs = name.endsWith(".safetensors");
        exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (lfs) {
            exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + hex("SHA-256", content, null) + "\"");
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
                exchange.getHttpContext().getServer(); // the connection is dropped below, mid-body
                throw new IOException("cut off on purpose");
            }
            out.write(body, start, body.length - start);
        }
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
            if (prefix != null) {
                digest.update(prefix.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void downloadsIntoCacheLayoutAndLoads() throws Exception {
        Path snapshot = downloader("secret-token").download("org/tiny", "main", DownloadProgress.NONE);

        Path repo = temp.resolve("cache").resolve("models--org--tiny");
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), snapshot);
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main")));
        assertTrue(Files.isSymbolicLink(snapshot.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(repoFiles.resolve("model.safetensors")),
                Files.readAllBytes(snapshot.resolve("model.safetensors")));
        assertFalse(Files.exists(snapshot.resolve("README.md")), "only model files are fetched");
        try (Checkpoint checkpoint = ModelLoader.open(snapshot, null)) {
            assertEquals(2, checkpoint.config().numHiddenLayers());
        }
        assertEquals(snapshot, new HfCache(temp.resolve("cache")).snapshot("org/tiny", "main").orElseThrow());
        assertTrue(authorizations.stream().allMatch("Bearer secret-token"::equals), "token sent to the endpoint");
    }

    @Test
    void interruptedTransferResumesWithRange() throws Exception {
        cutAfter.set(1000);
        HubDownloader downloader = downloader(null);

        HubException first = assertThrows(HubException.class,
                () -> downloader.download("org/tiny", "main", DownloadProgress.NONE));
        assertTrue(first.getMessage().contains("model.safetensors"), first.getMessage());
        assertTrue(first.getMessage().contains("resumes"), first.getMessage());

        Path snapshot = downloader.download("org/tiny", "main", DownloadProgress.NONE);

        assertTrue(requests.contains("GET /org/tiny/resolve/" + COMMIT + "/model.safetensorsbytes=1000-"),
                "second attempt asks for the rest: " + requests);
        assertArrayEquals(Files.readAllBytes(repoFiles.resolve("model.safetensors")),
                Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void wrongChecksumIsRejectedAndDeleted() throws Exception {
        corrupt = true;

        HubException error = assertThrows(HubException.class,
                () -> downloader(null).download("org/tiny", "main", DownloadProgress.NONE));

        assertTrue(error.getMessage().contains("corrupt"), error.getMessage());
        assertTrue(error.getMessage().contains("sha256"), error.getMessage());
        try (Stream<Path> blobs = Files.list(temp.resolve("cache/models--org--tiny/blobs"))) {
            assertTrue(blobs.noneMatch(blob -> blob.toString().endsWith(".incomplete")));
        }
        assertFalse(Files.exists(temp.resolve("cache/models--org--tiny/snapshots/" + COMMIT + "/model.safetensors")));
    }

    @Test
    void gatedRepoExplainsToken() {
        HubException error = assertThrows(HubException.class,
                () -> downloader(null).download("org/gated", "main", DownloadProgress.NONE));

        assertTrue(error.getMessage().contains("HTTP 401"), error.getMessage());
        assertTrue(error.getMessage().contains("HF_TOKEN"), error.getMessage());
    }

    @Test
    void missingRepoIsNotFound() {
        HubException error = assertThrows(HubException.class,
                () -> downloader(null).download("org/missing", "main", DownloadProgress.NONE));

        assertTrue(error.getMessage().contains("HTTP 404"), error.getMessage());
        assertTrue(error.getMessage().contains("org/missing"), error.getMessage());
    }

    @Test
    void unreachableEndpointSaysNoNetwork() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        HubDownloader downloader = new HubDownloader(URI.create("http://127.0.0.1:" + port), "tok",
                new HfCache(temp.resolve("cache")));

        HubException error = assertThrows(HubException.class,
                () -> downloader.download("org/tiny", "main", DownloadProgress.NONE));

        assertTrue(error.getMessage().contains("Cannot reach"), error.getMessage());
        assertFalse(error.getMessage().contains("tok\""), "the token is never printed");
    }

    @Test
    void tokenComesFromEnvironmentOrFile() throws Exception {
        Path home = Files.createDirectories(temp.resolve("hf-home"));
        Files.writeString(home.resolve("token"), "from-file\n");

        assertEquals("from-env", HubToken.find(Map.of("HF_TOKEN", "from-env", "HF_HOME", home.toString())).orElseThrow());
        assertEquals("from-file", HubToken.find(Map.of("HF_HOME", home.toString())).orElseThrow());
    }
}
