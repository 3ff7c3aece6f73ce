package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.SharedModels;
import dev.topiary.library.HfCache;
import dev.topiary.library.HubDownloader;
import dev.topiary.library.LocalHub;
import dev.topiary.library.ModelEntry;
import dev.topiary.library.ModelLibrary;
import dev.topiary.model.TinyHfModel;
import dev.topiary.ui.library.DtypeChoice;
import dev.topiary.ui.library.LibraryItem;
import dev.topiary.ui.library.MemoryCheck;
import dev.topiary.ui.library.ModelPickerViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.framework.junit5.Stop;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Drives the model picker headless against a library in temporary folders: a models.cfg with the real
 * stories260K and an oversize config, a Hugging Face cache with one tiny model, and a local stand-in for the
 * Hub on the loopback address. Nothing reads or writes the user's settings, cache or network.
 */
@ExtendWith(ApplicationExtension.class)
class ModelPickerWindowTest {

    /** Generous: the first test in a fresh JVM also starts the PyTorch engine. */
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    static Path shared;
    private static LocalHub hub;
    private static Path stories260K;

    @TempDir
    Path temp;
    private MainWindow window;
    private Path userFolder;
    private Path cache;

    /**
     * Checks for the shared model here rather than in {@link #start}: TestFX reports an assumption that fails in a
     * {@code @Start} method as an error, so without the model the tests would fail instead of being skipped.
     */
    @BeforeAll
    static void startHub() throws IOException {
        stories260K = SharedModels.stories260K();
        hub = LocalHub.serve("org/tiny", TinyHfModel.llama().write(shared.resolve("served")));
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) { // null when the shared model is missing and the class is skipped
            hub.close();
        }
    }

    @Start
    void start(Stage stage) throws IOException {
        Path oversize = Files.createDirectories(temp.resolve("oversize"));
        // About 10^13 parameters: far more than any machine's memory, and never read, because only the config is.
        Files.writeString(oversize.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 65536,
                 "intermediate_size": 262144, "num_hidden_layers": 200, "num_attention_heads": 512,
                 "num_key_value_heads": 64, "vocab_size": 256000, "max_position_embeddings": 8192,
                 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": false}
                """);
        Path config = temp.resolve("models.cfg");
        Files.writeString(config, "[stories260K]\nsource = " + stories260K + "\n\n"
                + "[oversize]\nsource = " + oversize + "\nnote = config only\n");
        cache = temp.resolve("hub-cache");
        Path repo = cache.resolve("models--org--cached");
        TinyHfModel.llama().write(repo.resolve("snapshots").resolve("abc123"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "abc123");
        userFolder = temp.resolve("user");
        ModelLibrary library = new ModelLibrary(config, userFolder, new HfCache(cache));
        window = MainWindow.show(stage, UiSettings.inMemory(), library,
                new HubDownloader(hub.endpoint(), null, new HfCache(cache)));
    }

    @Stop
    void stop() {
        window.close();
    }

    @Test
    void pickerListsConfiguredAndCachedModels(FxRobot robot) throws TimeoutException, IOException {
        ModelPickerViewModel picker = window.viewModel().modelPicker();
        waitUntil(() -> picker.items().size() == 3);
        WaitForAsyncUtils.waitForFxEvents();

        List<LibraryItem> items = picker.items();
        assertEquals(List.of("stories260K", "oversize", "org/cached"), items.stream().map(LibraryItem::name).toList());
        assertEquals(List.of(ModelEntry.Origin.CONFIGURED, ModelEntry.Origin.CONFIGURED, ModelEntry.Origin.CACHED),
                items.stream().map(item -> item.entry().origin()).toList());
        // The cells the list shows, in any order: virtual flows reuse cells out of index order.
        List<String> tags = robot.lookup("#libraryList .origin-tag").queryAllAs(Label.class).stream()
                .filter(Label::isVisible).map(Label::getText).sorted().toList();
        assertEquals(List.of("HF cache", "models.cfg", "models.cfg"), tags);
        assertEquals(Files.size(SharedModels.stories260K()), items.get(0).fileBytes());
        assertFalse(items.get(1).isLocal() && items.get(1).fileBytes() > 0, "the oversize model has no weights");
    }

    @Test
    void oversizeConfigShowsMemoryWarning(FxRobot robot) throws TimeoutException {
        ModelPickerViewModel picker = window.viewModel().modelPicker();
        waitUntil(() -> picker.items().size() == 3);
        Label warning = robot.lookup("#memoryWarning").queryAs(Label.class);
        Button open = robot.lookup("#openSelectedButton").queryAs(Button.class);

        selectCell(robot, 0);
        waitUntil(() -> picker.memoryProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(picker.memoryProperty().get().inferenceFits());
        assertFalse(warning.isVisible(), "stories260K fits: " + warning.getText());
        assertFalse(open.isDisabled());

        selectCell(robot, 1);
        waitUntil(() -> picker.memoryProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(warning.isVisible());
        assertTrue(warning.getText().startsWith("Will not fit: inference needs about "), warning.getText());
        assertTrue(warning.getText().contains(" is free on CPU"), warning.getText());
        assertTrue(open.isDisabled(), "a model that cannot load is not offered for opening");
        String inference = robot.lookup("#inferenceMemory").queryAs(Label.class).getText();
        assertTrue(inference.endsWith("too large"), inference);
    }

    @Test
    void openingFromPickerAddsRecentModel(FxRobot robot) throws TimeoutException, IOException {
        ModelPickerViewModel picker = window.viewModel().modelPicker();
        waitUntil(() -> picker.items().size() == 3);

        selectCell(robot, 0);
        robot.clickOn("#openSelectedButton");
        waitUntil(() -> window.viewModel().modelProperty().get() != null && !window.viewModel().busyProperty().get());
        Path recent = userFolder.resolve("recent-models.txt");
        waitUntil(() -> Files.isRegularFile(recent));

        assertEquals("stories260K", window.viewModel().modelProperty().get().name());
        assertEquals(List.of(SharedModels.stories260K().toString()), Files.readAllLines(recent));
        // The list is read again after the open; the recent entry is the configured one, so it is listed once.
        waitUntil(() -> picker.items().size() == 3);
        assertEquals(3, picker.items().size());
    }

    @Test
    void dtypeChoicesExplainThemselves(FxRobot robot) {
        @SuppressWarnings("unchecked")
        ChoiceBox<DtypeChoice> dtypes = robot.lookup("#dtypeChoice").queryAs(ChoiceBox.class);

        assertEquals(List.of("as models.cfg says", "auto (float16 on GPU, float32 on CPU)", "float32", "float16"),
                dtypes.getItems().stream().map(DtypeChoice::toString).toList());
        assertEquals(DtypeChoice.DEFAULT, dtypes.getValue());
        assertTrue(dtypes.getTooltip().getText().contains("As models.cfg says: the dtype of the model's models.cfg"),
                dtypes.getTooltip().getText());
    }

    @Test
    void float16ChoiceHalvesEstimateAndOpensInFloat16(FxRobot robot) throws TimeoutException {
        ModelPickerViewModel picker = window.viewModel().modelPicker();
        waitUntil(() -> picker.items().size() == 3);
        selectCell(robot, 0);
        waitUntil(() -> picker.memoryProperty().get() != null);
        MemoryCheck wide = picker.memoryProperty().get();
        assertEquals("float32", wide.dtype(), "the default on the CPU");

        robot.interact(() -> picker.dtypeChoiceProperty().set(DtypeChoice.FLOAT16));
        waitUntil(() -> picker.memoryProperty().get() != null && picker.memoryProperty().get() != wide);
        WaitForAsyncUtils.waitForFxEvents();
        MemoryCheck half = picker.memoryProperty().get();
        assertEquals("float16", half.dtype());
        assertEquals(wide.single().weights() / 2, half.single().weights());
        assertEquals(wide.trainingBytes(), half.trainingBytes(), "training is estimated in float32");
        String shapes = robot.lookup("#memoryShapes").queryAs(Label.class).getText();
        assertTrue(shapes.startsWith("Estimated in float16 for 1 \u00d7 "), shapes);

        robot.clickOn("#openSelectedButton");
        waitUntil(() -> window.viewModel().modelProperty().get() != null && !window.viewModel().busyProperty().get());
        assertEquals("float16", window.viewModel().modelProperty().get().dtype());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("F32 file / float16", robot.lookup("#dtype").queryAs(Label.class).getText());
    }

    @Test
    void downloadFromHubAddsCachedModel(FxRobot robot) throws TimeoutException {
        ModelPickerViewModel picker = window.viewModel().modelPicker();
        waitUntil(() -> picker.items().size() == 3);

        robot.clickOn("#downloadButton");
        waitUntil(() -> robot.lookup("#repoIdField").tryQuery().isPresent());
        Button confirm = robot.lookup("#downloadConfirmButton").queryAs(Button.class);
        assertTrue(confirm.isDisabled(), "no repo id typed yet");
        robot.clickOn("#repoIdField").write("org/tiny", 0);
        robot.clickOn(confirm);
        waitUntil(() -> picker.items().stream().anyMatch(item -> item.name().equals("org/tiny"))
                && !window.viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();

        LibraryItem downloaded = picker.items().stream().filter(item -> item.name().equals("org/tiny"))
                .findFirst().orElseThrow();
        assertEquals(ModelEntry.Origin.CACHED, downloaded.entry().origin());
        assertEquals(cache.resolve("models--org--tiny/snapshots/" + LocalHub.COMMIT), downloaded.path());
        assertTrue(downloaded.isLocal());
        assertEquals(downloaded, picker.selectedProperty().get(), "the new model is selected");
        String status = robot.lookup("#jobMessage").queryAs(Label.class).getText();
        assertTrue(status.startsWith("Downloaded org/tiny@main to "), status);
    }

    @Test
    void downloadOfMissingRepoShowsError(FxRobot robot) throws TimeoutException {
        robot.clickOn("#downloadButton");
        waitUntil(() -> robot.lookup("#repoIdField").tryQuery().isPresent());
        robot.clickOn("#repoIdField").write("org/missing", 0);
        robot.clickOn("#downloadConfirmButton");

        waitUntil(() -> robot.lookup("#errorDialog").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
        assertTrue(dialog.getHeaderText().contains("org/missing"), dialog.getHeaderText());
        assertTrue(dialog.getHeaderText().contains("HTTP 404"), dialog.getHeaderText());
        assertTrue(dialog.getContentText().contains("repo id"), dialog.getContentText());
        robot.clickOn(dialog.lookupButton(ButtonType.OK));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Download failed", robot.lookup("#jobMessage").queryAs(Label.class).getText());
    }

    /** Clicks the list cell of the item at {@code index}, as a user selects a model. */
    @SuppressWarnings("unchecked")
    private static void selectCell(FxRobot robot, int index) throws TimeoutException {
        ListView<LibraryItem> list = robot.lookup("#libraryList").queryAs(ListView.class);
        LibraryItem item = list.getItems().get(index);
        // The list gets its items before a layout pulse gives them cells, so wait for the cell too.
        waitUntil(() -> robot.lookup("#libraryList .list-cell")
                .match((ListCell<LibraryItem> candidate) -> candidate.getItem() == item).tryQuery().isPresent());
        ListCell<LibraryItem> cell = robot.lookup("#libraryList .list-cell")
                .match((ListCell<LibraryItem> candidate) -> candidate.getItem() == item).queryAs(ListCell.class);
        robot.clickOn(cell);
        assertEquals(item, list.getSelectionModel().getSelectedItem());
    }

    private static void waitUntil(Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS, condition);
    }
}
