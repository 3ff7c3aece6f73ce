package dev.topiary.ui.training;

import dev.topiary.model.Projection;
import dev.topiary.training.RunState;
import java.io.File;
import java.nio.file.Path;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.cell.CheckBoxListCell;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;
import java.util.EnumMap;
import java.util.Map;
import javafx.application.Platform;

/**
 * The Train tab ({@code fxml/TrainingView.fxml}): binds a run's settings and controls to a {@link TrainingViewModel}
 * and shows its charts. The charts are redrawn from the view model's runs whenever its chart revision, smoothing,
 * scale or held-out choice changes, or a chart's size.
 */
public final class TrainingView {

    /** Size of a saved chart image in pixels. */
    private static final int PNG_WIDTH = 1200;
    private static final int PNG_HEIGHT = 800;

    private final TrainingViewModel viewModel;
    private final TrainingCommands commands;
    private final TrainingCharts charts = new TrainingCharts();

    @FXML
    private ToggleGroup kindGroup;
    @FXML
    private RadioButton loraChoice;
    @FXML
    private RadioButton distillationChoice;
    @FXML
    private VBox distillationBox;
    @FXML
    private VBox loraBox;
    @FXML
    private TextField teacherField;
    @FXML
    private Button openModelTeacherButton;
    @FXML
    private TextField studentField;
    @FXML
    private TextField temperatureField;
    @FXML
    private TextField alphaField;
    @FXML
    private TextField rankField;
    @FXML
    private TextField loraAlphaField;
    @FXML
    private TextField dropoutField;
    @FXML
    private FlowPane targetsPane;
    @FXML
    private CheckBox mergeCheck;
    @FXML
    private TextField dataField;
    @FXML
    private TextField stepsField;
    @FXML
    private TextField batchSizeField;
    @FXML
    private TextField sequenceLengthField;
    @FXML
    private TextField learningRateField;
    @FXML
    private TextField seedField;
    @FXML
    private TextField checkpointField;
    @FXML
    private TextField evalField;
    @FXML
    private TextField outputField;
    @FXML
    private Button trainStartButton;
    @FXML
    private Button trainPauseButton;
    @FXML
    private Button trainResumeButton;
    @FXML
    private Button trainCancelButton;
    @FXML
    private ProgressBar trainProgress;
    @FXML
    private Label trainProgressLabel;
    @FXML
    private Label trainSummary;
    @FXML
    private Slider smoothingSlider;
    @FXML
    private Label smoothingValue;
    @FXML
    private CheckBox logScaleCheck;
    @FXML
    private ChoiceBox<Metric> heldOutChoice;
    @FXML
    private MenuButton savePngButton;
    @FXML
    private Button saveCsvButton;
    @FXML
    private ListView<ChartedRun> runList;
    @FXML
    private Button removeRunButton;
    @FXML
    private ChartPane trainLossChart;
    @FXML
    private ChartPane trainHeldOutChart;
    @FXML
    private ChartPane trainLearningRateChart;
    @FXML
    private ChartPane trainSpeedChart;
    private final Map<TrainingCharts.Slot, ChartPane> chartPanes = new EnumMap<>(TrainingCharts.Slot.class);

    public TrainingView(TrainingViewModel viewModel, TrainingCommands commands) {
        this.viewModel = viewModel;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        bindKind();
        bindSettings();
        bindControls();
        bindCharts();
    }

    private void bindKind() {
        loraChoice.setUserData(TrainingKind.LORA);
        distillationChoice.setUserData(TrainingKind.DISTILLATION);
        kindGroup.selectToggle(viewModel.kindProperty().get() == TrainingKind.LORA ? loraChoice : distillationChoice);
        kindGroup.selectedToggleProperty().addListener((property, before, toggle) -> {
            if (toggle != null) {
                viewModel.kindProperty().set((TrainingKind) toggle.getUserData());
            }
        });
        viewModel.kindProperty().addListener((property, before, kind) ->
                kindGroup.selectToggle(kind == TrainingKind.LORA ? loraChoice : distillationChoice));
        distillationBox.visibleProperty().bind(viewModel.kindProperty().isEqualTo(TrainingKind.DISTILLATION));
        distillationBox.managedProperty().bind(distillationBox.visibleProperty());
        loraBox.visibleProperty().bind(viewModel.kindProperty().isEqualTo(TrainingKind.LORA));
        loraBox.managedProperty().bind(loraBox.visibleProperty());
    }

    private void bindSettings() {
        bindText(teacherField, viewModel.teacherProperty());
        openModelTeacherButton.disableProperty().bind(Bindings.createBooleanBinding(
                () -> viewModel.teacherProperty().get() == null || viewModel.teacherProperty().get().isBlank(), viewModel.teacherProperty()));
        bindText(studentField, viewModel.studentProperty());
        bindText(dataField, viewModel.dataFileProperty());
        bindText(temperatureField, viewModel.temperatureProperty());
        bindText(alphaField, viewModel.alphaProperty());
        bindText(rankField, viewModel.loraRankProperty());
        bindText(loraAlphaField, viewModel.loraAlphaProperty());
        bindText(dropoutField, viewModel.loraDropoutProperty());
        bindText(stepsField, viewModel.stepsProperty());
        bindText(batchSizeField, viewModel.batchSizeProperty());
        bindText(sequenceLengthField, viewModel.sequenceLengthProperty());
        bindText(learningRateField, viewModel.learningRateProperty());
        bindText(seedField, viewModel.seedProperty());
        bindText(checkpointField, viewModel.checkpointEveryProperty());
        bindText(evalField, viewModel.evalEveryProperty());
        bindText(outputField, viewModel.outputProperty());
        for (Projection projection : Projection.values()) {
            CheckBox box = new CheckBox(projection.moduleName());
            // The underscore in q_proj is part of the name, not a keyboard mnemonic.
            box.setMnemonicParsing(false);
            box.setId("target-" + projection.moduleName());
            box.selectedProperty().bindBidirectional(viewModel.targetProperty(projection));
            targetsPane.getChildren().add(box);
        }
        mergeCheck.selectedProperty().bindBidirectional(viewModel.mergeProperty());
    }

    private static void bindText(TextField field, StringProperty property) {
        field.textProperty().bindBidirectional(property);
    }

    private void bindControls() {
        var state = viewModel.activeStateProperty();
        var active = viewModel.runActiveBinding();
        trainStartButton.disableProperty().bind(active.or(commands.busyProperty()));
        trainPauseButton.disableProperty().bind(state.isNotEqualTo(RunState.RUNNING));
        trainResumeButton.disableProperty().bind(state.isNotEqualTo(RunState.PAUSED));
        trainCancelButton.disableProperty().bind(active.not());
        trainSummary.textProperty().bind(viewModel.summaryProperty());
        viewModel.activeRunProperty().addListener((property, before, live) -> {
            trainProgress.progressProperty().unbind();
            trainProgressLabel.textProperty().unbind();
            if (live != null) {
                trainProgress.progressProperty().bind(live.progressProperty());
                trainProgressLabel.textProperty().bind(live.progressTextProperty());
            }
        });
        trainProgress.visibleProperty().bind(viewModel.activeRunProperty().isNotNull());
        trainProgress.managedProperty().bind(trainProgress.visibleProperty());
        trainProgressLabel.visibleProperty().bind(trainProgressLabel.textProperty().isNotEmpty());
        trainProgressLabel.managedProperty().bind(trainProgressLabel.visibleProperty());
    }

    private void bindCharts() {
        chartPanes.put(TrainingCharts.Slot.TRAIN_LOSS, trainLossChart);
        chartPanes.put(TrainingCharts.Slot.HELD_OUT, trainHeldOutChart);
        chartPanes.put(TrainingCharts.Slot.LEARNING_RATE, trainLearningRateChart);
        chartPanes.put(TrainingCharts.Slot.TOKENS_PER_SECOND, trainSpeedChart);
        for (ChartPane pane : chartPanes.values()) {
            pane.widthProperty().addListener(observable -> redraw());
            pane.heightProperty().addListener(observable -> redraw());
        }

        smoothingSlider.valueProperty().bindBidirectional(viewModel.smoothingProperty());
        smoothingValue.textProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%.2f",
                viewModel.smoothingProperty().get()), viewModel.smoothingProperty()));
        logScaleCheck.selectedProperty().bindBidirectional(viewModel.logScaleProperty());
        heldOutChoice.getItems().setAll(Metric.EVAL_LOSS, Metric.EVAL_PERPLEXITY);
        heldOutChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(Metric metric) {
                if (metric == null) {
                    return "";
                }
                return metric == Metric.EVAL_LOSS ? "loss" : "perplexity";
            }

            @Override
            public Metric fromString(String text) {
                return text.equals("perplexity") ? Metric.EVAL_PERPLEXITY : Metric.EVAL_LOSS;
            }
        });
        heldOutChoice.valueProperty().bindBidirectional(viewModel.heldOutMetricProperty());

        runList.setItems(viewModel.runs());
        runList.setCellFactory(CheckBoxListCell.forListView(ChartedRun::shownProperty));
        removeRunButton.disableProperty().bind(runList.getSelectionModel().selectedItemProperty().isNull());
        saveCsvButton.disableProperty().bind(Bindings.isEmpty(viewModel.runs()));
        savePngButton.disableProperty().bind(Bindings.isEmpty(viewModel.runs()));

        viewModel.chartRevisionProperty().addListener(observable -> redraw());
        viewModel.smoothingProperty().addListener(observable -> redraw());
        viewModel.logScaleProperty().addListener(observable -> redraw());
        viewModel.heldOutMetricProperty().addListener(observable -> redraw());
        redraw();
    }

    private void redraw() {
        charts.request(viewModel.runs(), Math.min(Smoothing.MAX_WEIGHT, viewModel.smoothingProperty().get()),
                viewModel.logScaleProperty().get(), viewModel.heldOutMetricProperty().get(), chartPanes);
    }

    @FXML
    private void onChooseTeacher() {
        chooseFolder("Choose the teacher model folder").ifPresent(folder ->
                viewModel.teacherProperty().set(folder.toString()));
    }

    @FXML
    private void onUseOpenModel() {
        viewModel.teacherProperty().set("");
    }

    @FXML
    private void onChooseStudent() {
        chooseFolder("Choose the student model folder, such as a pruned model").ifPresent(folder ->
                viewModel.studentProperty().set(folder.toString()));
    }

    @FXML
    private void onChooseData() {
        File file = chooseFile("Choose the training text", new FileChooser.ExtensionFilter(
                "Text or JSONL (*.txt, *.jsonl)", "*.txt", "*.jsonl"), false, null);
        if (file != null) {
            viewModel.dataFileProperty().set(file.toPath().toAbsolutePath().toString());
        }
    }

    @FXML
    private void onChooseOutput() {
        chooseFolder("Choose an empty folder for the run").ifPresent(folder ->
                viewModel.outputProperty().set(folder.toString()));
    }

    @FXML
    private void onStart() {
        commands.start();
    }

    @FXML
    private void onPause() {
        commands.pause();
    }

    @FXML
    private void onResume() {
        commands.resume();
    }

    @FXML
    private void onCancel() {
        commands.cancel();
    }

    @FXML
    private void onLoadRun() {
        chooseFolder("Choose a run folder (it contains run.json and metrics.jsonl)").ifPresent(commands::loadRun);
    }

    @FXML
    private void onRemoveRun() {
        ChartedRun chosen = runList.getSelectionModel().getSelectedItem();
        if (chosen != null) {
            viewModel.removeRun(chosen);
        }
    }

    @FXML
    private void onSaveLossPng() {
        savePng(TrainingCharts.Slot.TRAIN_LOSS, "training-loss.png");
    }

    @FXML
    private void onSaveHeldOutPng() {
        savePng(TrainingCharts.Slot.HELD_OUT, "held-out.png");
    }

    @FXML
    private void onSaveLearningRatePng() {
        savePng(TrainingCharts.Slot.LEARNING_RATE, "learning-rate.png");
    }

    @FXML
    private void onSaveSpeedPng() {
        savePng(TrainingCharts.Slot.TOKENS_PER_SECOND, "training-speed.png");
    }

    private void savePng(TrainingCharts.Slot slot, String initialName) {
        File file = chooseFile("Save the chart as PNG", new FileChooser.ExtensionFilter("PNG image (*.png)",
                "*.png"), true, initialName);
        if (file != null) {
            charts.image(slot, PNG_WIDTH, PNG_HEIGHT).thenAccept(image ->
                    Platform.runLater(() -> commands.exportPng(image, file.toPath())));
        }
    }

    @FXML
    private void onSaveCsv() {
        File file = chooseFile("Save the charted points as CSV", new FileChooser.ExtensionFilter("CSV (*.csv)",
                "*.csv"), true, "training-curves.csv");
        if (file != null) {
            commands.exportCsv(file.toPath());
        }
    }

    private java.util.Optional<Path> chooseFolder(String title) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle(title);
        commands.lastFolder().map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder == null) {
            return java.util.Optional.empty();
        }
        Path chosen = folder.toPath().toAbsolutePath();
        commands.rememberFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
        return java.util.Optional.of(chosen);
    }

    private File chooseFile(String title, FileChooser.ExtensionFilter filter, boolean save, String initialName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(filter, new FileChooser.ExtensionFilter("All files", "*"));
        commands.lastFolder().map(Path::toFile).filter(File::isDirectory).ifPresent(chooser::setInitialDirectory);
        if (initialName != null) {
            chooser.setInitialFileName(initialName);
        }
        File file = save ? chooser.showSaveDialog(window()) : chooser.showOpenDialog(window());
        if (file != null && file.toPath().toAbsolutePath().getParent() != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
        }
        return file;
    }

    private Window window() {
        return trainStartButton.getScene().getWindow();
    }
}
