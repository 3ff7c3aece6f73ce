package dev.topiary.ui;

import dev.topiary.ui.analysis.AnalysisView;
import dev.topiary.ui.analysis.PromptSetPanel;
import dev.topiary.ui.selection.NeuronSelection;
import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextFormatter;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.converter.LongStringConverter;

/** The main window ({@code fxml/MainView.fxml}): binds its controls to a {@link MainViewModel}. */
public final class MainView {

    private static final String NO_VALUE = "\u2013";

    private final MainViewModel viewModel;
    private final UiSettings settings;
    /** Position of the divider before the inspector when a tab hid it, restored when the inspector returns. */
    private double inspectorDivider = 0.64;

    @FXML
    private MenuItem runMenuItem;
    @FXML
    private MenuItem cancelMenuItem;
    @FXML
    private MenuItem captureMenuItem;
    @FXML
    private MenuItem saveAnalysisMenuItem;
    @FXML
    private MenuItem openAnalysisMenuItem;
    @FXML
    private MenuItem undoSelectionMenuItem;
    @FXML
    private MenuItem redoSelectionMenuItem;
    @FXML
    private MenuItem clearSelectionMenuItem;
    @FXML
    private Node neuronInspector;
    @FXML
    private SplitPane centreSplit;
    @FXML
    private TabPane stageTabs;
    @FXML
    private Tab evaluateTab;
    @FXML
    private Tab trainTab;
    @FXML
    private PromptSetPanel promptSetPanelController;
    @FXML
    private AnalysisView analysisViewController;
    @FXML
    private Tab pruneTab;
    @FXML
    private TextField modelPath;
    @FXML
    private Button openButton;
    @FXML
    private Button browseFolderButton;
    @FXML
    private Button browseFileButton;
    @FXML
    private Label modelName;
    @FXML
    private Label architecture;
    @FXML
    private Label format;
    @FXML
    private Label layers;
    @FXML
    private Label hiddenSize;
    @FXML
    private Label intermediateSize;
    @FXML
    private Label heads;
    @FXML
    private Label vocabSize;
    @FXML
    private Label parameters;
    @FXML
    private Label dtype;
    @FXML
    private Label modelDevice;
    @FXML
    private TextArea prompt;
    @FXML
    private Spinner<Integer> maxNewTokens;
    @FXML
    private Spinner<Double> temperature;
    @FXML
    private Spinner<Double> topP;
    @FXML
    private TextField seed;
    @FXML
    private Button runButton;
    @FXML
    private Button cancelButton;
    @FXML
    private Label statusDevice;
    @FXML
    private Label jobMessage;
    @FXML
    private ProgressBar jobProgress;
    @FXML
    private Button statusCancelButton;

    public MainView(MainViewModel viewModel, UiSettings settings) {
        this.viewModel = viewModel;
        this.settings = settings;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(statusDevice, jobMessage);
        bindModelPanel();
        bindPromptPanel();
        bindStatusBar();
        bindAnalysisMenus();
        // The inspector keeps its width when the window grows; the tabs take the rest.
        SplitPane.setResizableWithParent(neuronInspector, false);
        // The neuron inspector has nothing to show for a comparison or training of whole models, so Evaluate and
        // Train take its width.
        stageTabs.getSelectionModel().selectedItemProperty().addListener((property, before, tab) ->
                showInspector(tab != evaluateTab && tab != trainTab));
        viewModel.setErrorListener(error -> ErrorDialog.show(window(), error));
        viewModel.fairness().setShowPruneTab(() -> stageTabs.getSelectionModel().select(pruneTab));
    }

    private void showInspector(boolean show) {
        boolean shown = centreSplit.getItems().contains(neuronInspector);
        if (show && !shown) {
            centreSplit.getItems().add(neuronInspector);
            centreSplit.setDividerPositions(inspectorDivider);
        } else if (!show && shown) {
            inspectorDivider = centreSplit.getDividerPositions()[0];
            centreSplit.getItems().remove(neuronInspector);
        }
    }

    private void bindModelPanel() {
        modelPath.textProperty().bindBidirectional(viewModel.modelPathProperty());
        openButton.disableProperty().bind(viewModel.busyProperty().or(modelPath.textProperty().isEmpty()));
        browseFolderButton.disableProperty().bind(viewModel.busyProperty());
        browseFileButton.disableProperty().bind(viewModel.busyProperty());

        modelName.textProperty().bind(summaryText(ModelSummary::name));
        architecture.textProperty().bind(summaryText(ModelSummary::architecture));
        format.textProperty().bind(summaryText(ModelSummary::format));
        layers.textProperty().bind(summaryText(summary -> Integer.toString(summary.numHiddenLayers())));
        hiddenSize.textProperty().bind(summaryText(summary -> Integer.toString(summary.hiddenSize())));
        intermediateSize.textProperty().bind(summaryText(summary -> Integer.toString(summary.intermediateSize())));
        heads.textProperty().bind(summaryText(summary ->
                summary.numAttentionHeads() + " / " + summary.numKeyValueHeads()));
        vocabSize.textProperty().bind(summaryText(summary -> Integer.toString(summary.vocabSize())));
        parameters.textProperty().bind(summaryText(summary -> formatCount(summary.parameterCount())));
        dtype.textProperty().bind(summaryText(summary -> summary.fileDtype() + " file / " + summary.dtype()));
        modelDevice.textProperty().bind(summaryText(ModelSummary::device));
    }

    private StringBinding summaryText(Function<ModelSummary, String> field) {
        return Bindings.createStringBinding(() -> {
            ModelSummary summary = viewModel.modelProperty().get();
            return summary == null ? NO_VALUE : field.apply(summary);
        }, viewModel.modelProperty());
    }

    /** Formats a parameter count in the short form of model cards with the exact count, such as "260K (260,032)". */
    static String formatCount(long count) {
        if (count >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB (%,d)", count / 1e9, count);
        }
        if (count >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM (%,d)", count / 1e6, count);
        }
        if (count >= 1_000L) {
            return String.format(Locale.ROOT, "%.0fK (%,d)", count / 1e3, count);
        }
        return Long.toString(count);
    }

    private void bindPromptPanel() {
        // FXMLLoader cannot build the nested SpinnerValueFactory classes, so the ranges are set here.
        maxNewTokens.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(1, 4096, 64, 16));
        temperature.setValueFactory(new SpinnerValueFactory.DoubleSpinnerValueFactory(0, 5, 0, 0.1));
        topP.setValueFactory(new SpinnerValueFactory.DoubleSpinnerValueFactory(0.05, 1, 1, 0.05));
        // The spinners' converters throw on text that is not a number, so such text cannot be typed at all. The
        // decimal separator follows the default locale, as the converters' DecimalFormat does.
        acceptOnly(maxNewTokens, "\\d{0,4}");
        acceptOnly(temperature, "(\\d{1,2}([.,]\\d{0,4})?)?");
        acceptOnly(topP, "(\\d([.,]\\d{0,4})?)?");
        prompt.textProperty().bindBidirectional(viewModel.promptProperty());
        maxNewTokens.getValueFactory().valueProperty().bindBidirectional(viewModel.maxNewTokensProperty());
        temperature.getValueFactory().valueProperty().bindBidirectional(viewModel.temperatureProperty());
        topP.getValueFactory().valueProperty().bindBidirectional(viewModel.topPProperty());
        TextFormatter<Long> seedFormat = new TextFormatter<>(new LongStringConverter(), viewModel.seedProperty().get(),
                change -> change.getControlNewText().matches("\\d{0,18}") ? change : null);
        seed.setTextFormatter(seedFormat);
        seedFormat.valueProperty().bindBidirectional(viewModel.seedProperty());

        runButton.disableProperty().bind(viewModel.canRun().not());
        runMenuItem.disableProperty().bind(viewModel.canRun().not());
        // Only the status bar's and the Train tab's Cancel stop a training run at once. Esc requests confirmation.
        cancelButton.disableProperty().bind(viewModel.shortJobRunningBinding().not());
        cancelMenuItem.disableProperty().bind(viewModel.busyProperty().not());
    }

    private static void acceptOnly(Spinner<?> spinner, String pattern) {
        spinner.getEditor().setTextFormatter(new TextFormatter<>(
                change -> change.getControlNewText().matches(pattern) ? change : null));
    }

    private void bindStatusBar() {
        statusDevice.textProperty().bind(viewModel.deviceProperty());
        jobMessage.textProperty().bind(viewModel.jobMessageProperty());
        jobProgress.progressProperty().bind(viewModel.jobProgressProperty());
        jobProgress.visibleProperty().bind(viewModel.busyProperty());
        statusCancelButton.visibleProperty().bind(viewModel.busyProperty());
    }

    private void bindAnalysisMenus() {
        NeuronSelection selection = viewModel.selection();
        undoSelectionMenuItem.disableProperty().bind(selection.canUndoProperty().not());
        redoSelectionMenuItem.disableProperty().bind(selection.canRedoProperty().not());
        clearSelectionMenuItem.disableProperty().bind(Bindings.createBooleanBinding(
                () -> selection.selected().isEmpty(), selection.selectedProperty()));
        captureMenuItem.disableProperty().bind(viewModel.analysisCommands().canCapture().not()
                .or(viewModel.captureSettings().promptFileProperty().isNull()));
        saveAnalysisMenuItem.disableProperty().bind(viewModel.analysis().analysisProperty().isNull()
                .or(viewModel.busyProperty()));
        openAnalysisMenuItem.disableProperty().bind(viewModel.busyProperty());
    }

    @FXML
    private void onOpen() {
        viewModel.openModel();
    }

    @FXML
    private void onBrowseFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Open a Hugging Face model folder");
        settings.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder != null) {
            // The parent, so that the next chooser shows the other model folders beside this one.
            Path chosen = folder.toPath().toAbsolutePath();
            settings.saveLastFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
            viewModel.openModel(chosen);
        }
    }

    @FXML
    private void onBrowseFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open a llama2.c checkpoint");
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("llama2.c checkpoint (*.bin)", "*.bin"),
                new FileChooser.ExtensionFilter("All files", "*"));
        settings.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showOpenDialog(window());
        if (file != null) {
            settings.saveLastFolder(file.toPath().toAbsolutePath().getParent());
            viewModel.openModel(file.toPath());
        }
    }

    @FXML
    private void onRun() {
        // Typed values in spinners and the seed field only reach their properties on Enter or focus loss, and the
        // Ctrl+Enter shortcut triggers neither.
        maxNewTokens.commitValue();
        temperature.commitValue();
        topP.commitValue();
        seed.commitValue();
        viewModel.runPrompt();
    }

    @FXML
    private void onCancel() {
        viewModel.cancelJob();
    }

    /** Cancels a short job at once, and a job with a cancel question, such as a training run, once confirmed. */
    @FXML
    private void onCancelShortJob() {
        String question = viewModel.cancelQuestionProperty().get();
        if (viewModel.cancelShortJob() || question == null) {
            return;
        }
        ButtonType stop = new ButtonType("Cancel the run", ButtonBar.ButtonData.OK_DONE);
        ButtonType keep = new ButtonType("Keep training", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, null, stop, keep);
        confirm.initOwner(window());
        confirm.setTitle("Cancel the job");
        confirm.setHeaderText(question);
        confirm.getDialogPane().setId("cancelJobDialog");
        // The safe choice is the default, so that Enter or a second Esc keeps the run going.
        ((Button) confirm.getDialogPane().lookupButton(stop)).setDefaultButton(false);
        ((Button) confirm.getDialogPane().lookupButton(keep)).setDefaultButton(true);
        confirm.resultProperty().addListener((property, before, answer) -> {
            // The run may have ended while the dialog was open; the dialog is modal, so no other job started.
            if (answer == stop && question.equals(viewModel.cancelQuestionProperty().get())) {
                viewModel.cancelJob();
            }
        });
        confirm.show();
    }

    @FXML
    private void onCapture() {
        promptSetPanelController.onCapture();
    }

    @FXML
    private void onOpenAnalysis() {
        analysisViewController.onOpenAnalysis();
    }

    @FXML
    private void onSaveAnalysis() {
        analysisViewController.onSaveAnalysis();
    }

    @FXML
    private void onUndoSelection() {
        viewModel.selection().undo();
    }

    @FXML
    private void onRedoSelection() {
        viewModel.selection().redo();
    }

    @FXML
    private void onClearSelection() {
        viewModel.selection().clear();
    }

    @FXML
    private void onQuit() {
        Platform.exit();
    }

    @FXML
    private void onAbout() {
        Alert about = new Alert(Alert.AlertType.INFORMATION);
        about.initOwner(window());
        about.setTitle("About Topiary");
        about.setHeaderText("Topiary: a workbench for inspecting and pruning language models");
        about.setContentText("Java " + System.getProperty("java.version") + ", JavaFX "
                + System.getProperty("javafx.runtime.version") + ", tensor engine DJL with PyTorch.\n"
                + viewModel.deviceProperty().get());
        about.show();
    }

    private Window window() {
        return modelPath.getScene().getWindow();
    }
}
