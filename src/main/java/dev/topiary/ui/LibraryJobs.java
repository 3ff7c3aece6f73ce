package dev.topiary.ui;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.evaluation.ModelSize;
import dev.topiary.library.HubDownloader;
import dev.topiary.library.ModelEntry;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.ModelLoader;
import dev.topiary.model.hf.HfConfigReader;
import dev.topiary.ui.library.LibraryItem;
import dev.topiary.ui.library.MemoryCheck;
import dev.topiary.ui.library.ModelLibraryCommands;
import dev.topiary.ui.library.ModelPickerViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's side of the model picker: reads the library, sizes the models on disk, estimates the selected
 * model's memory, opens it, downloads from the Hub, and adds opened models to the recent list. Use it on the FX
 * thread only.
 *
 * <p>Reading the library and configs is file work that does not need the engine thread, so it runs on a thread of
 * its own instead of queueing behind a long evaluation or capture on the job worker. Downloads are jobs, with
 * progress in the status bar.
 */
final class LibraryJobs implements ModelLibraryCommands, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LibraryJobs.class);

    private final MainViewModel main;
    private final InferenceService inference;
    private final ModelLibrary library;
    private final HubDownloader downloader;
    private final ModelPickerViewModel view;
    private final ExecutorService files = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "topiary-library");
        thread.setDaemon(true);
        return thread;
    });
    /** Counts refreshes, so that a slow earlier read never replaces the list of a later one. */
    private int refreshes;

    LibraryJobs(MainViewModel main, InferenceService inference, ModelLibrary library, HubDownloader downloader,
            ModelPickerViewModel view) {
        this.main = main;
        this.inference = inference;
        this.library = library;
        this.downloader = downloader;
        this.view = view;
        view.selectedProperty().addListener((property, before, item) -> estimate(item));
        view.dtypeChoiceProperty().addListener((property, before, choice) -> estimate(view.selectedProperty().get()));
    }

    @Override
    public void refresh() {
        refresh(null);
    }

    /** Reads the library again and then selects the model at {@code select}, when it is given and listed. */
    private void refresh(Path select) {
        int request = ++refreshes;
        files.execute(() -> {
            List<String> problems = new ArrayList<>();
            List<LibraryItem> items = readLibrary(problems);
            Platform.runLater(() -> {
                if (request != refreshes) {
                    return;
                }
                view.showItems(items, String.join(" ", problems));
                if (select != null) {
                    view.selectPath(select);
                }
            });
        });
    }

    private List<LibraryItem> readLibrary(List<String> problems) {
        List<ModelEntry> entries = new ArrayList<>();
        try {
            entries.addAll(library.all());
            for (String warning : library.configWarnings()) {
                log.warn("Skipped in models.cfg: {}", warning);
                problems.add(warning);
            }
        } catch (IOException e) {
            log.warn("Cannot read models.cfg: {}", e.getMessage());
            problems.add("models.cfg is not listed: " + e.getMessage());
            entries.addAll(library.cache().models());
            for (Path path : library.recent().list()) {
                String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
                entries.add(new ModelEntry(name, ModelEntry.Origin.RECENT, path, null, null, null, null));
            }
        }
        List<LibraryItem> items = new ArrayList<>();
        Set<Path> listed = new HashSet<>();
        for (ModelEntry entry : entries) {
            Path path = entry.path() == null ? null : entry.path().toAbsolutePath().normalize();
            // A recent model that is also configured or cached is listed once, under its name there.
            if (entry.origin() == ModelEntry.Origin.RECENT && listed.contains(path)) {
                continue;
            }
            if (path != null) {
                listed.add(path);
            }
            items.add(new LibraryItem(entry, entry.isLocal() ? ModelSize.fileBytes(entry.path()) : -1));
        }
        return items;
    }

    private void estimate(LibraryItem item) {
        if (item == null || !item.isLocal()) {
            return;
        }
        ComputeDtype dtype = view.dtypeFor(item.entry());
        files.execute(() -> {
            try {
                ModelConfig config = readConfig(item.path(), item.entry().tokenizer());
                MemoryCheck check = MemoryCheck.of(config, inference.dtypeName(dtype),
                        inference.bytesPerElement(dtype), inference.freeDeviceBytes(), inference.startEngine());
                Platform.runLater(() -> view.showMemory(item, check));
            } catch (ModelFormatException | RuntimeException e) {
                log.warn("Cannot estimate the memory of {}: {}", item.path(), e.getMessage());
                Platform.runLater(() -> view.showMemoryUnavailable(item, "Cannot read the config, so the memory is "
                        + "not estimated: " + e.getMessage()));
            }
        });
    }

    /**
     * Reads a model's config without reading its weights: config.json of a Hugging Face folder, or the header of
     * a llama2.c checkpoint.
     */
    static ModelConfig readConfig(Path path, Path tokenizer) throws ModelFormatException {
        Path folder = Files.isDirectory(path) ? path
                : path.getFileName().toString().equals("config.json") ? path.toAbsolutePath().getParent() : null;
        if (folder != null) {
            Path configFile = folder.resolve("config.json");
            if (!Files.isRegularFile(configFile)) {
                throw new ModelFormatException(folder, "no config.json in this folder. Choose a Hugging Face model "
                        + "folder, which has config.json beside its safetensors files.");
            }
            return HfConfigReader.read(configFile, folder.resolve("generation_config.json"));
        }
        try (Checkpoint checkpoint = ModelLoader.open(path, tokenizer)) {
            return checkpoint.config();
        }
    }

    @Override
    public void openSelected() {
        LibraryItem item = view.selectedProperty().get();
        if (item != null && item.isLocal()) {
            main.openModel(item.path(), item.entry().tokenizer(), view.dtypeFor(item.entry()));
        }
    }

    @Override
    public void download(String repoId, String revision) {
        if (main.busyProperty().get()) {
            return;
        }
        DownloadTask task = new DownloadTask(downloader, repoId, revision);
        main.startJob(task, "Download", snapshot -> {
            refresh(snapshot);
            return "Downloaded " + repoId + "@" + revision + " to " + snapshot;
        });
    }

    /** Puts an opened model first in the recent list, lists the library again and folds the picker away. */
    void modelOpened(Path path) {
        view.expandedProperty().set(false);
        Path absolute = path.toAbsolutePath().normalize();
        files.execute(() -> {
            try {
                library.recent().add(absolute);
            } catch (IOException e) {
                log.warn("Cannot add {} to the recent models: {}", absolute, e.getMessage());
            }
        });
        refresh();
    }

    @Override
    public ReadOnlyBooleanProperty busyProperty() {
        return main.busyProperty();
    }

    @Override
    public void close() {
        files.shutdown();
    }
}
