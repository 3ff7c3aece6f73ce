package dev.topiary.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.Architecture;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.TensorSource;
import dev.topiary.model.hf.HfConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLibraryTest {

    @TempDir
    Path temp;

    private Path fakeCacheSnapshot(Path cache, String repo, String commit) throws Exception {
        Path repoFolder = cache.resolve("models--" + repo.replace("/", "--"));
        Path snapshot = Files.createDirectories(repoFolder.resolve("snapshots").resolve(commit));
        Files.writeString(snapshot.resolve("config.json"), "{}");
        Files.createDirectories(repoFolder.resolve("refs"));
        Files.writeString(repoFolder.resolve("refs/main"), commit);
        return snapshot;
    }

    @Test
    void userConfigReplacesProjectEntry() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "# comment\n[small]\nsource = models/small\nnote = project copy\n\n"
                + "[hub]\nsource = hf:org/name@v1\n");
        Path user = Files.createDirectories(temp.resolve("user"));
        Files.writeString(user.resolve("models.cfg"), "[small]\nsource = /opt/small\nnote = mine\n");

        ModelLibrary library = new ModelLibrary(project, user, new HfCache(temp.resolve("cache")));
        List<ModelEntry> configured = library.configured();

        assertEquals(2, configured.size());
        assertEquals(Path.of("/opt/small"), configured.get(0).path());
        assertEquals("mine", configured.get(0).note());
        assertEquals("org/name", configured.get(1).repoId());
        assertEquals("v1", configured.get(1).revision());
        assertNull(configured.get(1).path());
    }

    @Test
    void invalidConfigLineNamesFileAndLine() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[ok]\nsource = a\n[broken]\nsource = b\nthis line has no equals sign\n");

        ModelsConfig.Listing listing = ModelsConfig.list(project);

        assertEquals(List.of("ok"), listing.entries().stream().map(ModelEntry::name).toList());
        assertTrue(listing.invalid().get("broken").getMessage().startsWith(project + ":5:"),
                listing.invalid().get("broken").getMessage());
    }

    @Test
    void configEntryCarriesDtypeAndDevice() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[half]\nsource = models/half\ndtype = bf16\ndevice = CUDA\n[plain]\nsource = p\n");
        ModelLibrary library = new ModelLibrary(project, temp.resolve("user"), new HfCache(temp.resolve("cache")));

        List<ModelEntry> configured = library.configured();

        assertEquals(ComputeDtype.FLOAT16, configured.get(0).dtype());
        assertEquals("gpu", configured.get(0).device());
        assertNull(configured.get(1).dtype());
        assertNull(configured.get(1).device());
    }

    @Test
    void invalidConfigDtypeNamesLineAndValidValues() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[ok]\nsource = a\n\n[bad]\nsource = b\ndtype = int8\n");

        ModelsConfig.ConfigException error = ModelsConfig.list(project).invalid().get("bad");

        assertTrue(error.getMessage().startsWith(project + ":6:"), "the line of dtype: " + error.getMessage());
        assertTrue(error.getMessage().contains("'int8'"), error.getMessage());
        assertTrue(error.getMessage().contains(ComputeDtype.VALID_VALUES), error.getMessage());
    }

    @Test
    void invalidConfigDeviceNamesValidValues() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[bad]\nsource = b\ndevice = tpu\n");

        ModelsConfig.ConfigException error = ModelsConfig.list(project).invalid().get("bad");

        assertTrue(error.getMessage().startsWith(project + ":3:"), error.getMessage());
        assertTrue(error.getMessage().contains("'tpu'"), error.getMessage());
        assertTrue(error.getMessage().contains("auto, cpu or gpu"), error.getMessage());
    }

    @Test
    void invalidUserEntryKeepsOtherModelsUsable() throws Exception {
        Path project = temp.resolve("models.cfg");
        Path good = Files.createDirectories(temp.resolve("good"));
        Files.writeString(project, "[good]\nsource = good\n");
        Path user = Files.createDirectories(temp.resolve("user"));
        Files.writeString(user.resolve("models.cfg"), "[f16]\nsource = /opt/f16\ndtype = float16\n\n"
                + "[bad]\nsource = /opt/bad\ndtype = float8\n");
        ModelLibrary library = new ModelLibrary(project, user, new HfCache(temp.resolve("cache")));

        List<String> names = library.all().stream().map(ModelEntry::name).toList();
        List<String> warnings = library.configWarnings();
        ModelLibrary.Resolved resolved = library.resolve("good");
        ModelsConfig.ConfigException error = assertThrows(ModelsConfig.ConfigException.class,
                () -> library.resolve("bad"));

        assertEquals(List.of("good", "f16"), names);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith(user.resolve("models.cfg") + ":7:"), warnings.get(0));
        assertEquals(good, resolved.path());
        assertTrue(error.getMessage().contains("'float8'"), error.getMessage());
    }

    @Test
    void configSettingBeforeFirstSectionIsWarned() throws Exception {
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "\uFEFFsource = x\n[ok]\nsource = a\n[\nsource = b\n");

        ModelsConfig.Listing listing = ModelsConfig.list(project);

        assertEquals(List.of("ok"), listing.entries().stream().map(ModelEntry::name).toList());
        assertEquals(2, listing.warnings().size(), listing.warnings().toString());
        assertTrue(listing.warnings().get(0).startsWith(project + ":1:"), listing.warnings().get(0));
        assertTrue(listing.warnings().get(1).startsWith(project + ":4:"), listing.warnings().get(1));
    }

    @Test
    void recentModelAlsoConfiguredIsListedOnce() throws Exception {
        Path model = Files.createDirectories(temp.resolve("models/small"));
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[small]\nsource = models/small\n");
        Path user = Files.createDirectories(temp.resolve("user"));
        ModelLibrary library = new ModelLibrary(project, user, new HfCache(temp.resolve("cache")));
        library.recent().add(model);

        List<ModelEntry> all = library.all();

        assertEquals(1, all.size(), all.toString());
        assertEquals("small", all.get(0).name());
    }

    @Test
    void float16EstimateHalvesWeightsAndKeepsTraining() {
        ModelConfig config = new ModelConfig(Architecture.LLAMA, 2048, 8192, 16, 32, 8, 64, 128256, 131072, 1e-5,
                500000, null, true, false, 0, 1, List.of(2));

        MemoryEstimate wide = MemoryEstimate.of(config, 4, 1, 2048);
        MemoryEstimate half = MemoryEstimate.of(config, 2, 1, 2048);

        assertEquals(4 * config.parameterCount(), wide.weights());
        assertEquals(wide.weights() / 2, half.weights());
        assertEquals(wide.inference() / 2, half.inference());
        assertEquals(wide.capture() / 2, half.capture());
        assertEquals(wide.training(), half.training(), "training runs in float32 whatever the inference dtype");
    }

    @Test
    void cacheDiscoveryFollowsRefs() throws Exception {
        Path cache = temp.resolve("hub");
        Path snapshot = fakeCacheSnapshot(cache, "org/model", "abc123");
        Files.createDirectories(cache.resolve("datasets--org--data/snapshots/x"));

        List<ModelEntry> models = new HfCache(cache).models();

        assertEquals(1, models.size());
        assertEquals("org/model", models.get(0).name());
        assertEquals(snapshot, models.get(0).path());
        assertEquals(ModelEntry.Origin.CACHED, models.get(0).origin());
    }

    @Test
    void cacheLocationFollowsHuggingFaceVariables() {
        assertEquals(Path.of("/a/hub-cache"), HfCache.locate(Map.of("HF_HUB_CACHE", "/a/hub-cache")).root());
        assertEquals(Path.of("/b/hub"), HfCache.locate(Map.of("HF_HOME", "/b")).root());
        assertTrue(HfCache.locate(Map.of()).root().endsWith(Path.of(".cache", "huggingface", "hub")));
    }

    @Test
    void resolverAcceptsNameRepoIdAndPath() throws Exception {
        Path cache = temp.resolve("hub");
        Path snapshot = fakeCacheSnapshot(cache, "org/model", "abc123");
        Path project = temp.resolve("models.cfg");
        Files.writeString(project, "[mine]\nsource = hf:org/model\n[far]\nsource = hf:org/elsewhere\n");
        ModelLibrary library = new ModelLibrary(project, temp.resolve("user"), new HfCache(cache));

        assertEquals(snapshot, library.resolve("mine").path());
        assertEquals(snapshot, library.resolve("org/model").path());
        assertEquals(snapshot, library.resolve("org/model@main").path());
        assertEquals(project, library.resolve(project.toString()).path());
        Exception notDownloaded = assertThrows(Exception.class, () -> library.resolve("far"));
        assertTrue(notDownloaded.getMessage().contains("topiary download org/elsewhere"), notDownloaded.getMessage());
        Exception unknown = assertThrows(Exception.class, () -> library.resolve("nothing"));
        assertTrue(unknown.getMessage().contains("not found"), unknown.getMessage());
    }

    @Test
    void recentListKeepsNewestFirstWithoutDuplicates() throws Exception {
        RecentModels recent = new RecentModels(temp.resolve("user"));

        for (int i = 0; i < 12; i++) {
            recent.add(temp.resolve("m" + i));
        }
        recent.add(temp.resolve("m5"));

        List<Path> paths = recent.list();
        assertEquals(RecentModels.LIMIT, paths.size());
        assertEquals(temp.resolve("m5"), paths.get(0));
        assertEquals(temp.resolve("m11"), paths.get(1));
        assertEquals(1, paths.stream().filter(path -> path.equals(temp.resolve("m5"))).count());
    }

    @Test
    void estimateMatchesLlama32OneBillionArithmetic() throws Exception {
        // Llama-3.2-1B shapes: hidden 2048, MLP 8192, 16 layers, 32 heads of 64, 8 kv heads, vocab 128256, tied.
        Path config = temp.resolve("config.json");
        new ObjectMapper().writeValue(config.toFile(), Map.ofEntries(
                Map.entry("architectures", List.of("LlamaForCausalLM")), Map.entry("hidden_size", 2048),
                Map.entry("intermediate_size", 8192), Map.entry("num_hidden_layers", 16),
                Map.entry("num_attention_heads", 32), Map.entry("num_key_value_heads", 8), Map.entry("head_dim", 64),
                Map.entry("vocab_size", 128256), Map.entry("max_position_embeddings", 131072),
                Map.entry("tie_word_embeddings", true), Map.entry("rope_theta", 500000.0)));
        ModelConfig parsed = HfConfigReader.read(config, null);

        long embedding = 128256L * 2048;
        long attention = 2048L * 2048 + 2 * 2048L * 512 + 2048L * 2048;
        long mlp = 3 * 2048L * 8192;
        long expected = embedding + 16 * (attention + mlp + 2 * 2048) + 2048;
        MemoryEstimate estimate = MemoryEstimate.of(parsed, 2, 1, 2048);

        assertEquals(1_235_814_400L, expected);
        assertEquals(expected, parsed.parameterCount());
        assertEquals(2 * expected, estimate.weights());
        long kvCache = 2L * 16 * 8 * 64 * 2048 * 2;
        assertTrue(estimate.inference() > estimate.weights() + kvCache);
        assertTrue(estimate.training() > 4 * estimate.weights());
    }

    @Test
    void oversizeModelIsRefusedBeforeAnyRead() {
        ModelConfig huge = new ModelConfig(Architecture.LLAMA, 65536, 262144, 200, 512, 64, 128, 256000, 8192, 1e-5,
                10000, null, false, false, 0, 1, List.of(2));
        AtomicInteger reads = new AtomicInteger();
        TensorSource never = new TensorSource() {
            @Override
            public Set<String> names() {
                return Set.of();
            }

            @Override
            public long[] shape(String name) {
                return new long[0];
            }

            @Override
            public Path fileOf(String name) {
                return temp;
            }

            @Override
            public String dtypeOf(String name) {
                return "F32";
            }

            @Override
            public float[] read(String name) {
                reads.incrementAndGet();
                throw new IllegalStateException("no tensor may be read");
            }

            @Override
            public void close() {}
        };
        Checkpoint checkpoint = new Checkpoint(temp.resolve("huge"), "test", huge, never, null, null);

        ModelFormatException error = assertThrows(ModelFormatException.class,
                () -> LanguageModel.load(TensorEngine.get(), checkpoint));

        assertTrue(error.getMessage().contains("needs about"), error.getMessage());
        assertTrue(error.getMessage().contains("free"), error.getMessage());
        assertEquals(0, reads.get());
    }
}
