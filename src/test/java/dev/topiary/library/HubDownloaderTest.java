package dev.topiary.library;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelLoader;
import dev.topiary.model.TinyHfModel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hub downloader against {@link LocalHub}, a loopback server that serves a tiny model folder the test writes
 * with the headers the Hub sends.
 */
class HubDownloaderTest {

    private static final String COMMIT = LocalHub.COMMIT;

    @TempDir
    Path temp;
    private LocalHub hub;
    private Path repoFiles;

    @BeforeEach
    void start() throws Exception {
        repoFiles = TinyHfModel.llama().write(temp.resolve("served"));
        Files.writeString(repoFiles.resolve("README.md"), "not downloaded");
        hub = LocalHub.serve("org/tiny", repoFiles);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubDownloader downloader(String token) {
        return new HubDownloader(hub.endpoint(), token, new HfCache(temp.resolve("cache")));
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
        assertTrue(hub.authorizations().stream().allMatch("Bearer secret-token"::equals), "token sent to the endpoint");
    }

    @Test
    void interruptedTransferResumesWithRange() throws Exception {
        hub.cutNextSafetensorsAfter(1000);
        HubDownloader downloader = downloader(null);

        HubException first = assertThrows(HubException.class,
                () -> downloader.download("org/tiny", "main", DownloadProgress.NONE));
        assertTrue(first.getMessage().contains("model.safetensors"), first.getMessage());
        assertTrue(first.getMessage().contains("resumes"), first.getMessage());

        Path snapshot = downloader.download("org/tiny", "main", DownloadProgress.NONE);

        assertTrue(hub.requests().contains("GET /org/tiny/resolve/" + COMMIT + "/model.safetensorsbytes=1000-"),
                "second attempt asks for the rest: " + hub.requests());
        assertArrayEquals(Files.readAllBytes(repoFiles.resolve("model.safetensors")),
                Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    @Test
    void wrongChecksumIsRejectedAndDeleted() throws Exception {
        hub.corruptSafetensors();

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
        int port = hub.port();
        hub.close();
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
