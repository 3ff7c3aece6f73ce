package dev.topiary.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a model's files from the Hugging Face Hub into the local cache, in the layout {@code huggingface_hub}
 * uses, so Python tools find the same files. Each file goes to {@code blobs/<etag>.incomplete} first, resumes
 * with an HTTP range request when that exists, is checked against the size and checksum the Hub announces
 * (sha256 for LFS files, the git blob sha1 otherwise), then is renamed to {@code blobs/<etag>} and linked from
 * {@code snapshots/<commit>/}. The access token is sent only to the endpoint's own host and never logged.
 */
public final class HubDownloader {

    private static final Logger log = LoggerFactory.getLogger(HubDownloader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern WANTED = Pattern.compile("config\\.json|generation_config\\.json|tokenizer\\.json|"
            + "tokenizer_config\\.json|special_tokens_map\\.json|tokenizer\\.model|model\\.safetensors\\.index\\.json|"
            + "[^/]*\\.safetensors");
    private static final int MAX_REDIRECTS = 5;

    private final URI endpoint;
    private final String token;
    private final HfCache cache;
    private final HttpClient client;

    /**
     * @param endpoint the Hub address, {@code HF_ENDPOINT} or https://huggingface.co
     * @param token an access token for gated or private repos, or null
     */
    public HubDownloader(URI endpoint, String token, HfCache cache) {
        this.endpoint = endpoint;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.cache = cache;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Creates a downloader from the environment: HF_ENDPOINT, HF_TOKEN or the token file, and the cache. */
    public static HubDownloader fromEnvironment(Map<String, String> environment) {
        String address = environment.getOrDefault("HF_ENDPOINT", "https://huggingface.co");
        return new HubDownloader(URI.create(address.endsWith("/") ? address.substring(0, address.length() - 1)
                : address), HubToken.find(environment).orElse(null), HfCache.locate(environment));
    }

    /** Downloads the config, tokenizer and safetensors files of a repo at a revision; returns the snapshot folder. */
    public Path download(String repoId, String revision, DownloadProgress progress) throws HubException {
        checkRepoId(repoId);
        RepoInfo info = repoInfo(repoId, revision);
        List<String> files = info.files.stream().filter(file -> WANTED.matcher(file).matches()).toList();
        if (files.stream().noneMatch(file -> file.equals("config.json"))) {
            throw new HubException(repoId + "@" + revision + " has no config.json at its top level; it is not a "
                    + "transformers model repo.");
        }
        if (files.stream().noneMatch(file -> file.endsWith(".safetensors"))) {
            throw new HubException(repoId + "@" + revision + " has no safetensors weights; Topiary reads safetensors "
                    + "only. Look for a safetensors revision of the model.");
        }
        Path snapshot = cache.repoFolder(repoId).resolve("snapshots").resolve(info.commit);
        for (String file : files) {
            downloadFile(repoId, info.commit, file, snapshot, progress);
        }
        writeRef(repoId, revision, info.commit);
        log.info("Downloaded {}@{} ({} files) to {}", repoId, revision, files.size(), snapshot);
        return snapshot;
    }

    private static void checkRepoId(String repoId) throws HubException {
        if (!repoId.matches("[\\w.-]+/[\\w.-]+")) {
            throw new HubException("Invalid repo id '" + repoId + "'; write it as ORG/NAME, for example "
                    + "Qwen/Qwen2.5-0.5B.");
        }
    }

    private record RepoInfo(String commit, List<String> files) {}

    private RepoInfo repoInfo(String repoId, String revision) throws HubException {
        URI uri = endpoint.resolve("/api/models/" + repoId + "/revision/" + encode(revision));
        HttpResponse<byte[]> response = send(request(uri, "GET", null), HttpResponse.BodyHandlers.ofByteArray(),
                repoId, null);
        check(response, repoId, null, revision);
        try {
            JsonNode json = JSON.readTree(response.body());
            String commit = json.path("sha").asText("");
            List<String> files = new ArrayList<>();
            json.path("siblings").forEach(sibling -> files.add(sibling.path("rfilename").asText()));
            if (commit.isEmpty()) {
                throw new HubException("The Hub's response for " + repoId + "@" + revision + " has no commit sha; "
                        + "check HF_ENDPOINT (" + endpoint + ").");
            }
            return new RepoInfo(commit, files);
        } catch (IOException e) {
            throw new HubException("The Hub's response for " + repoId + "@" + revision + " is not valid JSON; check "
                    + "HF_ENDPOINT (" + endpoint + ").", e);
        }
    }

    /** Size and checksum of a file as the Hub announces them in the headers of a HEAD request. */
    private record FileMeta(String etag, long size) {}

    private void downloadFile(String repoId, String commit, String file, Path snapshot, DownloadProgress progress)
            throws HubException {
        Path target = snapshot.resolve(file);
        if (Files.exists(target)) {
            return;
        }
        URI uri = endpoint.resolve("/" + repoId + "/resolve/" + commit + "/" + file);
        FileMeta meta = head(uri, repoId, file);
        Path blobs = cache.repoFolder(repoId).resolve("blobs");
        Path blob = blobs.resolve(meta.etag);
        try {
            Files.createDirectories(blobs);
            if (!Files.exists(blob)) {
                Path incomplete = blobs.resolve(meta.etag + ".incomplete");
                fetch(uri, repoId, file, incomplete, meta, progress);
                verify(incomplete, meta, repoId, file);
                Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.createDirectories(target.getParent());
            link(target, blob);
        } catch (IOException e) {
            throw new HubException("Writing " + file + " of " + repoId + " into " + cache.root() + " failed ("
                    + e.getMessage() + "). Check the free disk space and permissions there.", e);
        }
    }

    private FileMeta head(URI uri, String repoId, String file) throws HubException {
        HttpResponse<Void> response = send(request(uri, "HEAD", null), HttpResponse.BodyHandlers.discarding(), repoId,
                file);
        if (response.statusCode() / 100 != 2 && response.statusCode() / 100 != 3) {
            check(response, repoId, file, null);
        }
        // LFS files announce their sha256 and size in X-Linked-* headers, also on the redirect to the CDN.
        String etag = header(response, "X-Linked-Etag").or(() -> header(response, "ETag")).orElse("");
        etag = etag.replace("W/", "").replace("\"", "").strip();
        if (etag.isEmpty() || etag.contains("/") || etag.contains("..")) {
            throw new HubException("The Hub sent no usable ETag for " + file + " of " + repoId + "; check HF_ENDPOINT ("
                    + endpoint + ").");
        }
        long size = header(response, "X-Linked-Size").or(() -> header(response, "Content-Length"))
                .map(Long::parseLong).orElse(-1L);
        return new FileMeta(etag, size);
    }

    private void fetch(URI uri, String repoId, String file, Path incomplete, FileMeta meta, DownloadProgress progress)
            throws HubException, IOException {
        long existing = Files.exists(incomplete) ? Files.size(incomplete) : 0;
        if (meta.size >= 0 && existing > meta.size) {
            Files.delete(incomplete);
            existing = 0;
        }
        HttpResponse<InputStream> response = send(request(uri, "GET", existing > 0 ? existing : null),
                HttpResponse.BodyHandlers.ofInputStream(), repoId, file);
        int status = response.statusCode();
        if (status != 200 && status != 206) {
            check(response, repoId, file, null);
        }
        boolean append = status == 206;
        long done = append ? existing : 0;
        if (existing > 0) {
            log.info("{}: resuming {} at byte {}", repoId, file, append ? existing : 0);
        }
        long started = System.nanoTime();
        long reported = 0;
        long received = 0;
        try (InputStream in = response.body();
                OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE, append
                        ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                done += read;
                received += read;
                long now = System.nanoTime();
                if (now - reported > 200_000_000L) {
                    progress.update(file, done, meta.size, received / Math.max(1e-9, (now - started) / 1e9));
                    reported = now;
                }
            }
        } catch (IOException e) {
            throw new HubException("The download of " + file + " from " + repoId + " was interrupted after " + done
                    + " bytes (" + e.getMessage() + "). Run the download again: it resumes where it stopped.", e);
        }
        progress.update(file, done, meta.size, received / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
    }

    private static void verify(Path file, FileMeta meta, String repoId, String name) throws HubException, IOException {
        long size = Files.size(file);
        if (meta.size >= 0 && size != meta.size) {
            throw new HubException("The download of " + name + " from " + repoId + " has " + size + " bytes but the Hub "
                    + "announced " + meta.size + ". Run the download again: it resumes where it stopped.");
        }
        String expected = meta.etag.toLowerCase(java.util.Locale.ROOT);
        boolean lfs = SHA256.matcher(expected).matches();
        String actual = lfs ? digest(file, "SHA-256", null) : digest(file, "SHA-1", "blob " + size + "\0");
        if (!actual.equals(expected)) {
            Files.delete(file);
            throw new HubException("The download of " + name + " from " + repoId + " is corrupt: its " + (lfs ? "sha256"
                    : "git blob sha1") + " is " + actual + " but the Hub announced " + expected + ". The partial file "
                    + "was deleted; run the download again.");
        }
    }

    private static String digest(Path file, String algorithm, String prefix) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            if (prefix != null) {
                digest.update(prefix.getBytes(StandardCharsets.UTF_8));
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, read);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    /** Links a snapshot file to its blob with a relative symbolic link, or copies it where links are not allowed. */
    private static void link(Path target, Path blob) throws IOException {
        try {
            Files.createSymbolicLink(target, target.getParent().relativize(blob));
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(blob, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void writeRef(String repoId, String revision, String commit) throws HubException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = cache.repoFolder(repoId).resolve("refs").resolve(revision);
        try {
            Files.createDirectories(ref.getParent());
            Files.writeString(ref, commit, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HubException("Writing " + ref + " failed (" + e.getMessage() + ").", e);
        }
    }

    private HttpRequest request(URI uri, String method, Long rangeStart) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("User-Agent", "topiary/0.1");
        if (token != null && sameHost(uri)) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (rangeStart != null) {
            builder.header("Range", "bytes=" + rangeStart + "-");
        }
        return builder.build();
    }

    private boolean sameHost(URI uri) {
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(endpoint.getHost())
                && uri.getPort() == endpoint.getPort();
    }

    /** Sends a request, following redirects by hand so that the token never goes to another host. */
    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, String repoId,
            String file) throws HubException {
        HttpRequest current = request;
        try {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                HttpResponse<T> response = client.send(current, handler);
                int status = response.statusCode();
                Optional<String> location = header(response, "Location");
                boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
                if (!redirect || location.isEmpty() || current.method().equals("HEAD")) {
                    return response;
                }
                if (response.body() instanceof InputStream body) {
                    body.close();
                }
                URI next = current.uri().resolve(location.get());
                HttpRequest.Builder builder = HttpRequest.newBuilder(next).timeout(Duration.ofMinutes(10))
                        .method(current.method(), HttpRequest.BodyPublishers.noBody())
                        .header("User-Agent", "topiary/0.1");
                current.headers().firstValue("Range").ifPresent(range -> builder.header("Range", range));
                if (token != null && sameHost(next)) {
                    builder.header("Authorization", "Bearer " + token);
                }
                current = builder.build();
            }
            throw new HubException("Too many redirects for " + describe(repoId, file) + " at " + endpoint + ".");
        } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
            throw new HubException("Cannot reach " + endpoint + " for " + describe(repoId, file) + " (no network, or "
                    + "the host is wrong). Check the connection or HF_ENDPOINT, or open a local model folder.", e);
        } catch (HttpTimeoutException e) {
            throw new HubException("The request for " + describe(repoId, file) + " to " + endpoint + " timed out. "
                    + "Try again later.", e);
        } catch (IOException e) {
            throw new HubException("The request for " + describe(repoId, file) + " to " + endpoint + " failed ("
                    + e.getMessage() + "). Run the download again: finished files are kept.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("The download of " + describe(repoId, file) + " was interrupted.", e);
        }
    }

    private void check(HttpResponse<?> response, String repoId, String file, String revision) throws HubException {
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String what = describe(repoId, file) + (revision == null ? "" : " at revision " + revision);
        switch (status) {
            case 401 -> throw new HubException(what + " needs authentication (HTTP 401): the repo is gated or private. "
                    + "Accept its terms on the Hub, then set HF_TOKEN or log in with huggingface-cli"
                    + (token == null ? "; no token was found." : "; the token that was sent was not accepted."));
            case 403 -> throw new HubException(what + " is not accessible with this token (HTTP 403): the repo is gated "
                    + "and access was not granted yet. Request access on the Hub.");
            case 404 -> throw new HubException(what + " was not found (HTTP 404). Check the repo id, the revision and "
                    + "the spelling.");
            default -> throw new HubException(what + " failed with HTTP " + status + " from " + endpoint + ".");
        }
    }

    private static String describe(String repoId, String file) {
        return file == null ? repoId : file + " of " + repoId;
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
