package dev.topiary.library;

import dev.topiary.engine.ComputeDtype;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All models available to Topiary: the sections of {@code models.cfg} in the working folder, overridden by a
 * user copy of the same name in the user folder, the snapshots of the Hugging Face cache, and recent models.
 */
public final class ModelLibrary {

    private final Path projectConfig;
    private final Path userConfig;
    private final HfCache cache;
    private final RecentModels recent;

    public ModelLibrary(Path projectConfig, Path userFolder, HfCache cache) {
        this.projectConfig = projectConfig;
        this.userConfig = userFolder.resolve("models.cfg");
        this.cache = cache;
        this.recent = new RecentModels(userFolder);
    }

    /** Builds the library from the environment and the working folder. */
    public static ModelLibrary fromEnvironment(Map<String, String> environment) {
        return new ModelLibrary(Path.of("models.cfg"), UserFolders.config(environment), HfCache.locate(environment));
    }

    public HfCache cache() {
        return cache;
    }

    public RecentModels recent() {
        return recent;
    }

    /**
     * Returns the valid configured models; a user entry replaces a project entry of the same name. Invalid sections
     * are left out, and {@link #configWarnings} names them.
     */
    public List<ModelEntry> configured() throws IOException {
        return readConfigs().entries().values().stream().toList();
    }

    /** Returns one message per invalid section or line of both models.cfg files, each starting with file:line. */
    public List<String> configWarnings() throws IOException {
        return readConfigs().warnings();
    }

    /**
     * Returns configured, then cached, then recent models, with Hub entries resolved to cached snapshots. A recent
     * model whose path is also configured or cached is listed once, under its configured or cached name.
     */
    public List<ModelEntry> all() throws IOException {
        List<ModelEntry> entries = new ArrayList<>();
        Set<Path> listed = new HashSet<>();
        for (ModelEntry entry : configured()) {
            ModelEntry withPath = withCachedPath(entry);
            entries.add(withPath);
            addPath(listed, withPath.path());
        }
        for (ModelEntry entry : cache.models()) {
            entries.add(entry);
            addPath(listed, entry.path());
        }
        for (Path path : recent.list()) {
            if (listed.contains(path.toAbsolutePath().normalize())) {
                continue;
            }
            String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
            entries.add(new ModelEntry(name, ModelEntry.Origin.RECENT, path, null, null, null, null));
        }
        return entries;
    }

    private static void addPath(Set<Path> listed, Path path) {
        if (path != null) {
            listed.add(path.toAbsolutePath().normalize());
        }
    }

    private Configs readConfigs() throws IOException {
        Configs configs = new Configs(new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        configs.add(ModelsConfig.list(projectConfig));
        configs.add(ModelsConfig.list(userConfig));
        return configs;
    }

    /** Both files merged: an entry, valid or invalid, of the user file replaces the project's of that name. */
    private record Configs(Map<String, ModelEntry> entries, Map<String, ModelsConfig.ConfigException> invalid,
            List<String> warnings) {

        void add(ModelsConfig.Listing listing) {
            for (ModelEntry entry : listing.entries()) {
                entries.put(entry.name(), entry);
                invalid.remove(entry.name());
            }
            for (Map.Entry<String, ModelsConfig.ConfigException> error : listing.invalid().entrySet()) {
                entries.remove(error.getKey());
                invalid.put(error.getKey(), error.getValue());
            }
            warnings.addAll(listing.warnings());
        }
    }

    private ModelEntry withCachedPath(ModelEntry entry) {
        if (entry.repoId() == null || entry.path() != null) {
            return entry;
        }
        Optional<Path> snapshot = cache.snapshot(entry.repoId(), entry.revision());
        return snapshot.map(path -> new ModelEntry(entry.name(), entry.origin(), path, entry.repoId(), entry.revision(),
                entry.tokenizer(), entry.note(), entry.dtype(), entry.device())).orElse(entry);
    }

    /**
     * Resolves what a user typed after {@code --model}: an existing path, a models.cfg name, or a Hub repo id
     * ({@code ORG/NAME}, optionally {@code @REVISION}) that is in the cache.
     *
     * @throws ModelsConfig.ConfigException when {@code spec} names a models.cfg section that is invalid
     */
    public Resolved resolve(String spec) throws IOException, ModelsConfig.ConfigException {
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            return new Resolved(path, null);
        }
        Configs configs = readConfigs();
        ModelsConfig.ConfigException invalid = configs.invalid().get(spec);
        if (invalid != null) {
            throw invalid;
        }
        for (ModelEntry entry : configs.entries().values()) {
            if (entry.name().equals(spec)) {
                ModelEntry resolved = withCachedPath(entry);
                if (resolved.path() == null) {
                    throw new IOException("Model '" + spec + "' is " + entry.repoId() + "@" + entry.revision()
                            + " on the Hub and not in the cache " + cache.root() + ". Run: topiary download "
                            + entry.repoId() + " --revision " + entry.revision());
                }
                return new Resolved(resolved.path(), resolved.tokenizer(), resolved.dtype(), resolved.device(),
                        "models.cfg model [" + entry.name() + "]");
            }
        }
        if (spec.matches("[\\w.-]+/[\\w.-]+(@[\\w./-]+)?") && !spec.startsWith(".")) {
            int at = spec.indexOf('@');
            String repo = at < 0 ? spec : spec.substring(0, at);
            String revision = at < 0 ? "main" : spec.substring(at + 1);
            Optional<Path> snapshot = cache.snapshot(repo, revision);
            if (snapshot.isPresent()) {
                return new Resolved(snapshot.get(), null);
            }
        }
        throw new IOException("Model '" + spec + "' not found: it is not an existing path, not a name in models.cfg, "
                + "and not a Hub repo id in the cache " + cache.root() + ". Check the spelling, list models with "
                + "'topiary models', or fetch one with 'topiary download ORG/NAME'.");
    }

    /**
     * A resolved model path and, for a configured model, what its models.cfg entry sets.
     *
     * @param tokenizer the llama2.c tokenizer file, or null
     * @param dtype the requested dtype, or null
     * @param device the requested device (auto, cpu or gpu), or null
     * @param origin where the dtype and device were set, for messages, or null
     */
    public record Resolved(Path path, Path tokenizer, ComputeDtype dtype, String device, String origin) {

        /** Creates a resolved model with no settings, such as a path typed by the user. */
        public Resolved(Path path, Path tokenizer) {
            this(path, tokenizer, null, null, null);
        }
    }
}
