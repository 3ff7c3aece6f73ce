package dev.topiary.ui.evaluation;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextFormatter;
import javafx.scene.control.TitledPane;
import javafx.scene.control.cell.CheckBoxListCell;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.jfree.chart.fx.ChartViewer;

/**
 * The Evaluate tab ({@code fxml/EvaluationView.fxml}): binds the setup to an {@link EvaluationViewModel} and
 * shows its report as a table, three relative bar charts and side-by-side generations.
 */
public final class EvaluationView {

    private final EvaluationViewModel viewModel;
    private final EvaluationCommands commands;

    @FXML
    private TitledPane setupPane;
    @FXML
    private ListView<EvaluationCandidate> candidateList;
    @FXML
    private Button addFolderButton;
    @FXML
    private Button addFileButton;
    @FXML
    private ComboBox<Path> textSetChooser;
    @FXML
    private Button browseTextSetButton;
    @FXML
    private ListView<TaskFile> taskList;
    @FXML
    private Button addTaskButton;
    @FXML
    private ComboBox<ReferenceChoice> referenceChooser;
    @FXML
    private Spinner<Integer> windowSpinner;
    @FXML
    private Spinner<Integer> strideSpinner;
    @FXML
    private Spinner<Integer> batchSpinner;
    @FXML
    private Spinner<Integer> speedSpinner;
    @FXML
    private TextArea promptsArea;
    @FXML
    private Spinner<Integer> generationTokensSpinner;
    @FXML
    private Button runEvaluationButton;
    @FXML
    private Button cancelEvaluationButton;
    @FXML
    private MenuButton exportTableButton;
    @FXML
    private Label evaluationPlaceholder;
    @FXML
    private VBox resultsBox;
    @FXML
    private Label evaluationSummary;
    @FXML
    private TableView<EvaluationRow> resultTable;
    @FXML
    private ChartViewer perplexityChart;
    @FXML
    private ChartViewer accuracyChart;
    @FXML
    private ChartViewer speedChart;
    @FXML
    private VBox evaluationGenerationsBox;

    public EvaluationView(EvaluationViewModel viewModel, EvaluationCommands commands) {
        this.viewModel = viewModel;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        bindModels();
        bindData();
        bindSettings();
        var busy = commands.busyProperty();
        runEvaluationButton.disableProperty().bind(busy.or(Bindings.isEmpty(viewModel.candidates().chosen())));
        cancelEvaluationButton.disableProperty().bind(commands.shortJobRunning().not());
        exportTableButton.disableProperty().bind(busy.or(viewModel.reportProperty().isNull()));
        for (Button button : new Button[] {addFolderButton, addFileButton, browseTextSetButton, addTaskButton}) {
            button.disableProperty().bind(busy);
        }

        var noReport = viewModel.reportProperty().isNull();
        evaluationPlaceholder.setText(EvaluationViewModel.NO_RESULTS_TEXT);
        evaluationPlaceholder.visibleProperty().bind(noReport);
        resultsBox.visibleProperty().bind(noReport.not());
        evaluationSummary.textProperty().bind(viewModel.summaryProperty());
        resultTable.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        viewModel.reportProperty().addListener((property, before, report) -> showReport(report));
    }

    private void bindModels() {
        EvaluationCandidates candidates = viewModel.candidates();
        candidateList.setItems(candidates.candidates());
        candidateList.setCellFactory(list -> new CandidateCell(candidates));
        Label empty = new Label("Open a model, or add a folder or file, to evaluate it.");
        empty.setWrapText(true);
        empty.getStyleClass().add("hint");
        candidateList.setPlaceholder(empty);
        // The run numbers in the cells change whenever a box is ticked.
        candidates.chosen().addListener((ListChangeListener<ModelChoice>) change -> candidateList.refresh());
        referenceChooser.setItems(candidates.referenceOptions());
        referenceChooser.valueProperty().bindBidirectional(candidates.referenceProperty());
        referenceChooser.setCellFactory(list -> labelCell(ReferenceChoice::label));
        referenceChooser.setButtonCell(labelCell(ReferenceChoice::label));
    }

    private void bindData() {
        textSetChooser.setItems(viewModel.textSets());
        textSetChooser.valueProperty().bindBidirectional(viewModel.textSetProperty());
        textSetChooser.setCellFactory(list -> labelCell(EvaluationView::fileLabel));
        textSetChooser.setButtonCell(labelCell(file -> file.getFileName().toString()));
        taskList.setItems(viewModel.tasks());
        taskList.setCellFactory(CheckBoxListCell.forListView(TaskFile::chosenProperty));
        Label noTasks = new Label("No task files: Add task… picks a JSONL file.");
        noTasks.getStyleClass().add("hint");
        taskList.setPlaceholder(noTasks);
    }

    private void bindSettings() {
        // FXMLLoader cannot build the nested SpinnerValueFactory classes, so the ranges are set here.
        integerSpinner(windowSpinner, 0, 131072, 64, viewModel.windowProperty());
        integerSpinner(strideSpinner, 0, 131072, 32, viewModel.strideProperty());
        integerSpinner(batchSpinner, 1, 1024, 1, viewModel.batchSizeProperty());
        integerSpinner(speedSpinner, 0, 4096, 16, viewModel.speedTokensProperty());
        integerSpinner(generationTokensSpinner, 1, 4096, 8, viewModel.generationTokensProperty());
        promptsArea.textProperty().bindBidirectional(viewModel.promptsProperty());
    }

    private static void integerSpinner(Spinner<Integer> spinner, int min, int max, int step,
            javafx.beans.property.ObjectProperty<Integer> value) {
        spinner.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value.get(), step));
        // The spinner's converter throws on text that is not a number, so such text cannot be typed at all.
        spinner.getEditor().setTextFormatter(new TextFormatter<>(
                change -> change.getControlNewText().matches("\\d{0,6}") ? change : null));
        spinner.getValueFactory().valueProperty().bindBidirectional(value);
    }

    private void showReport(EvaluationReport report) {
        resultTable.getColumns().clear();
        if (report == null) {
            resultTable.getItems().clear();
            return;
        }
        resultTable.getColumns().setAll(ResultColumns.of(report));
        resultTable.getItems().setAll(report.rows());
        perplexityChart.setChart(EvaluationCharts.perplexity(report));
        accuracyChart.setChart(EvaluationCharts.accuracy(report));
        speedChart.setChart(EvaluationCharts.speed(report));
        GenerationsPane.show(evaluationGenerationsBox, report);
    }

    /** Commits typed settings and starts a run. */
    @FXML
    private void onRun() {
        // Typed values only reach their properties on Enter or focus loss.
        for (Spinner<?> spinner : new Spinner<?>[] {windowSpinner, strideSpinner, batchSpinner, speedSpinner,
            generationTokensSpinner}) {
            spinner.commitValue();
        }
        commands.run();
    }

    @FXML
    private void onCancel() {
        commands.cancel();
    }

    @FXML
    private void onAddFolder() {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Add a Hugging Face model folder to evaluate");
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File folder = chooser.showDialog(window());
        if (folder != null) {
            Path chosen = folder.toPath().toAbsolutePath();
            commands.rememberFolder(chosen.getParent() != null ? chosen.getParent() : chosen);
            viewModel.candidates().addSessionModel(new ModelChoice(folder.getName(), chosen, null, false));
        }
    }

    @FXML
    private void onAddFile() {
        File file = chooseFile("Add a llama2.c checkpoint to evaluate",
                new FileChooser.ExtensionFilter("llama2.c checkpoint (*.bin)", "*.bin"));
        if (file != null) {
            String name = file.getName().endsWith(".bin") ? file.getName().substring(0, file.getName().length() - 4)
                    : file.getName();
            viewModel.candidates().addSessionModel(new ModelChoice(name, file.toPath().toAbsolutePath(), null, false));
        }
    }

    @FXML
    private void onBrowseTextSet() {
        File file = chooseFile("Choose a text set",
                new FileChooser.ExtensionFilter("Text sets (*.txt, *.jsonl)", "*.txt", "*.jsonl"));
        if (file != null) {
            viewModel.chooseTextSet(file.toPath());
        }
    }

    @FXML
    private void onAddTask() {
        File file = chooseFile("Add a multiple-choice task",
                new FileChooser.ExtensionFilter("Tasks (*.jsonl)", "*.jsonl"));
        if (file != null) {
            viewModel.addTask(file.toPath());
        }
    }

    @FXML
    private void onExportCsv() {
        export("csv", new FileChooser.ExtensionFilter("CSV (*.csv)", "*.csv"), "evaluation.csv");
    }

    @FXML
    private void onExportMarkdown() {
        export("markdown", new FileChooser.ExtensionFilter("Markdown (*.md)", "*.md"), "evaluation.md");
    }

    private void export(String format, FileChooser.ExtensionFilter filter, String initialName) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the evaluation table");
        chooser.getExtensionFilters().add(filter);
        chooser.setInitialFileName(initialName);
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showSaveDialog(window());
        if (file != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
            commands.exportTable(file.toPath(), format);
        }
    }

    private File chooseFile(String title, FileChooser.ExtensionFilter filter) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(filter, new FileChooser.ExtensionFilter("All files", "*"));
        commands.lastFolder().map(Path::toFile).ifPresent(chooser::setInitialDirectory);
        File file = chooser.showOpenDialog(window());
        if (file != null) {
            commands.rememberFolder(file.toPath().toAbsolutePath().getParent());
        }
        return file;
    }

    private Window window() {
        return candidateList.getScene().getWindow();
    }

    private static String fileLabel(Path file) {
        Path folder = file.getParent();
        return file.getFileName() + (folder == null ? "" : "   (" + folder.getFileName() + ")");
    }

    private static <T> ListCell<T> labelCell(Function<T, String> label) {
        return new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : label.apply(item));
            }
        };
    }

    /** A candidate with its check box, its run number once ticked, and its source in grey. */
    private static final class CandidateCell extends ListCell<EvaluationCandidate> {
        private final EvaluationCandidates candidates;
        private final CheckBox box = new CheckBox();
        private final Label order = new Label();
        private final Label source = new Label();
        private final HBox layout;
        private EvaluationCandidate bound;

        CandidateCell(EvaluationCandidates candidates) {
            this.candidates = candidates;
            order.getStyleClass().add("run-order");
            order.setMinWidth(Region.USE_PREF_SIZE);
            source.getStyleClass().add("origin-tag");
            source.setMinWidth(Region.USE_PREF_SIZE);
            box.setMinWidth(0);
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            layout = new HBox(6, box, order, spacer, source);
            layout.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
            // Let long names end in an ellipsis instead of widening the list.
            layout.setMinWidth(0);
            layout.setPrefWidth(0);
        }

        @Override
        protected void updateItem(EvaluationCandidate candidate, boolean empty) {
            super.updateItem(candidate, empty);
            if (bound != null) {
                box.selectedProperty().unbindBidirectional(bound.chosenProperty());
                bound = null;
            }
            if (empty || candidate == null) {
                setGraphic(null);
                return;
            }
            bound = candidate;
            box.setText(candidate.model().name());
            box.selectedProperty().bindBidirectional(candidate.chosenProperty());
            int position = candidates.runPosition(candidate);
            if (position < 0) {
                order.setText("");
            } else if (position == 0) {
                order.setText("#1 baseline");
            } else {
                order.setText("#" + (position + 1));
            }
            source.setText(candidate.source().label());
            setGraphic(layout);
            setText(null);
        }
    }
}
