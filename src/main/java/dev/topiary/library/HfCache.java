package dev.topiary.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local Hugging Face cache in the layout {@code huggingface_hub} uses: {@code models--ORG--NAME/} with
 * {@code blobs/} (files named by their ETag), {@code snapshots/<commit>/} (the repo's files, as links into
 * blobs) and {@code refs/<revision>} (a file holding the commit a branch or tag points to).
 *
 * @param root the hub cache folder
 */
public record HfCache(Path root) {

    /**
     * Returns the cache folder the Hugging Face tools use: {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
     * {@code ~/.cache/huggingface/hub}.
     */
    public static HfCache locate(Map<String, String> environment) {
        String hubCache = environment.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) {
            return new HfCache(Path.of(hubCache));
        }
        String home = environment.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return new HfCache(Path.of(home, "hub"));
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new HfCache(cache.resolve("huggingface").resolve("hub"));
    }

    /** Returns the folder of a repo: {@code models--ORG--NAME}. */
    public Path repoFolder(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    /** Returns the snapshot folder of a repo at a revision (a branch, tag or commit), when it is cached. */
    public Optional<Path> snapshot(String repoId, String revision) {
        Path repo = repoFolder(repoId);
        String commit = revision;
        Path ref = repo.resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref)) {
            try {
                commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        return Files.isDirectory(snapshot) ? Optional.of(snapshot) : Optional.empty();
    }

    /**
     * Lists the cached model snapshots that have a config.json: for each repo, the snapshot {@code refs/main}
     * points to, or else every snapshot.
     */
    public List<ModelEntry> models() {
        List<ModelEntry> entries = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return entries;
        }
        try (Stream<Path> repos = Files.list(root)) {
            for (Path repo : repos.sorted().toList()) {
                String folder = repo.getFileName().toString();
                if (!folder.startsWith("models--")) {
                    continue;
                }
                String repoId = folder.substring("models--".length()).replace("--", "/");
                Optional<Path> main = snapshot(repoId, "main");
                List<Path> snapshots = main.map(List::of).orElseGet(() -> listSnapshots(repo));
                for (Path snapshot : snapshots) {
                    if (Files.isRegularFile(snapshot.resolve("config.json"))) {
                        String revision = main.isPresent() ? "main" : snapshot.getFileName().toString();
                        entries.add(new ModelEntry(repoId, ModelEntry.Origin.CACHED, snapshot, repoId, revision, null,
                                null));
                    }
                }
            }
        } catch (IOException e) {
            return entries;
        }
        return entries;
    }

    private static List<Path> listSnapshots(Path repo) {
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(snapshots)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
