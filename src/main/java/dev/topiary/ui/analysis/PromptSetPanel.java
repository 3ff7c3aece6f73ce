package dev.topiary.ui.analysis;

import java.io.File;
import java.nio.file.Path;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextFormatter;
import javafx.stage.FileChooser;

/**
 * The Prompt set section of the left panel ({@code fxml/PromptSetPanel.fxml}): the prompt file, the capture
 * settings and the Capture button. Binds to a {@link CaptureSettings}.
 */
public final class PromptSetPanel {

    private final CaptureSettings settings;
    private final AnalysisCommands commands;

    @FXML
    private ComboBox<Path> promptFileChooser;
    @FXML
    private Button browsePromptsButton;
    @FXML
    private Spinner<Integer> batchSize;
    @FXML
    private Spinner<Integer> topK;
    @FXML
    private Spinner<Double> threshold;
    @FXML
    private Button captureButton;
    @FXML
    private Button cancelCaptureButton;

    public PromptSetPanel(CaptureSettings settings, AnalysisCommands commands) {
        this.settings = settings;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        promptFileChooser.setItems(settings.promptFiles());
        promptFileChooser.valueProperty().bindBidirectional(settings.promptFileProperty());
        promptFileChooser.setCellFactory(list -> new PromptFileCell());
        promptFileChooser.setButtonCell(new PromptFileCell());

        // FXMLLoader cannot build the nested SpinnerValueFactory classes, so the ranges are set here.
        batchSize.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1024, 8));
        topK.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 1000, 10));
        threshold.setValueFactory(new SpinnerValueFactory.DoubleSpinnerValueFactory(-100, 100, 0, 0.1));
        // The spinners' converters throw on text that is not a number, so such text cannot be typed at all.
        acceptOnly(batchSize, "\\d{0,4}");
        acceptOnly(topK, "\\d{0,4}");
        acceptOnly(threshold, "-?(\\d{0,3}([.,]\\d{0,4})?)?");
        batchSize.getValueFactory().valueProperty().bindBidirectional(settings.batchSizeProperty());
        topK.getValueFactory().valueProperty().bindBidirectional(settings.topKProperty());
        threshold.getValueFactory().valueProperty().bindBidirectional(settings.thresholdProperty());

        captureButton.disableProperty().bind(commands.canCapture().not()
                .or(settings.promptFileProperty().isNull()));
        cancelCaptureButton.disableProperty().bind(commands.shortJobRunning().not());
        browsePromptsButton.disableProperty().bind(commands.busyProperty());
    }

    private static void acceptOnly(Spinner<?> spinner, String pattern) {
        spinner.getEditor().setTextFormatter(new TextFormatter<>(
                change -> change.getControlNewText().matches(pattern) ? change : null));
    }

    /** Commits typed settings and starts a capture; also run by the Run menu's shortcut. */
    @FXML
    public void onCapture() {
        // Typed values only reach their properties on Enter or focus loss, and a shortcut triggers neither.
        batchSize.commitValue();
        topK.commitValue();
        threshold.commitValue();
        commands.capture();
    }

    @FXML
    private void onCancel() {
        commands.cancelJob();
    }

    @FXML
    private void onBrowse() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Choose a prompt set");
        chooser.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Prompt sets (*.txt, *.jsonl)", "*.txt", "*.jsonl", "*.json"),
                new FileChooser.ExtensionFilter("All files", "*"));
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showOpenDialog(promptFileChooser.getScene().getWindow());
        if (file != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
            settings.choose(file.toPath());
        }
    }

    /** Shows a prompt file by its name, with its folder in grey after it. */
    private static final class PromptFileCell extends ListCell<Path> {
        @Override
        protected void updateItem(Path file, boolean empty) {
            super.updateItem(file, empty);
            if (empty || file == null) {
                setText(null);
                return;
            }
            Path folder = file.getParent();
            setText(file.getFileName() + (folder == null ? "" : "   (" + folder.getFileName() + ")"));
        }
    }
}
