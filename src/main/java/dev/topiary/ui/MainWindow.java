package dev.topiary.ui;

import dev.topiary.library.HubDownloader;
import dev.topiary.library.ModelLibrary;
import dev.topiary.ui.activations.ActivationsView;
import dev.topiary.ui.analysis.AnalysisView;
import dev.topiary.ui.analysis.NeuronInspector;
import dev.topiary.ui.analysis.PromptSetPanel;
import dev.topiary.ui.pruning.FairnessView;
import dev.topiary.ui.pruning.PruneView;
import dev.topiary.ui.evaluation.EvaluationView;
import dev.topiary.ui.library.ModelPickerPanel;
import dev.topiary.ui.selection.SelectionPanel;
import dev.topiary.ui.training.TrainingView;
import java.io.IOException;
import java.io.UncheckedIOException;
import javafx.fxml.FXMLLoader;
import javafx.geometry.Rectangle2D;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

/** Builds the main window on a stage from {@code fxml/MainView.fxml} and saves its size when it closes. */
public final class MainWindow {

    private final Stage stage;
    private final UiSettings settings;
    private final MainViewModel viewModel;

    private MainWindow(Stage stage, UiSettings settings, MainViewModel viewModel) {
        this.stage = stage;
        this.settings = settings;
        this.viewModel = viewModel;
    }

    /** Shows the window on a stage, at the size saved in {@code settings}, and starts the tensor engine. */
    public static MainWindow show(Stage stage, UiSettings settings) {
        return show(stage, new MainViewModel(new InferenceService(), new JobRunner(), settings), settings);
    }

    /**
     * Shows the window like {@link #show(Stage, UiSettings)} with a given model library and Hub downloader, as
     * tests do to keep away from the user's folders and the network.
     */
    public static MainWindow show(Stage stage, UiSettings settings, ModelLibrary library, HubDownloader downloader) {
        return show(stage, new MainViewModel(new InferenceService(), new JobRunner(), settings, library, downloader),
                settings);
    }

    private static MainWindow show(Stage stage, MainViewModel viewModel, UiSettings settings) {
        FXMLLoader loader = new FXMLLoader(MainWindow.class.getResource("/fxml/MainView.fxml"));
        loader.setControllerFactory(type -> {
            if (type == MainView.class) {
                return new MainView(viewModel, settings);
            }
            if (type == ActivationsView.class) {
                return new ActivationsView(viewModel.activations());
            }
            if (type == AnalysisView.class) {
                return new AnalysisView(viewModel.analysis(), viewModel.selection(), viewModel.analysisCommands());
            }
            if (type == NeuronInspector.class) {
                return new NeuronInspector(viewModel.analysis());
            }
            if (type == PromptSetPanel.class) {
                return new PromptSetPanel(viewModel.captureSettings(), viewModel.analysisCommands());
            }
            if (type == PruneView.class) {
                return new PruneView(viewModel.pruning(), viewModel.pruneCommands());
            }
            if (type == FairnessView.class) {
                return new FairnessView(viewModel.fairness(), viewModel.pruning(), viewModel.selection(),
                        viewModel.analysis(), viewModel.pruneCommands());
            }
            if (type == ModelPickerPanel.class) {
                return new ModelPickerPanel(viewModel.modelPicker(), viewModel.libraryCommands());
            }
            if (type == EvaluationView.class) {
                return new EvaluationView(viewModel.evaluation(), viewModel.evaluationCommands());
            }
            if (type == TrainingView.class) {
                return new TrainingView(viewModel.training(), viewModel.trainingCommands());
            }
            if (type == SelectionPanel.class) {
                return new SelectionPanel(viewModel.selection());
            }
            throw new IllegalArgumentException("No controller known for " + type.getName());
        });
        Parent root;
        try {
            root = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load fxml/MainView.fxml from the classpath", e);
        }

        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(settings.windowWidth(), screen.getWidth()),
                Math.min(settings.windowHeight(), screen.getHeight()));
        scene.getStylesheets().add(MainWindow.class.getResource("/css/topiary.css").toExternalForm());
        stage.setTitle("Topiary");
        // Below this size the side panel's Run button and the heatmap title no longer fit.
        stage.setMinWidth(1100);
        stage.setMinHeight(700);
        stage.setScene(scene);
        MainWindow window = new MainWindow(stage, settings, viewModel);
        stage.setOnHiding(event -> window.saveSize());
        stage.show();
        viewModel.startEngine();
        return window;
    }

    public MainViewModel viewModel() {
        return viewModel;
    }

    private void saveSize() {
        if (stage.getScene() != null && stage.getScene().getWidth() > 0) {
            settings.saveWindowSize(stage.getScene().getWidth(), stage.getScene().getHeight());
        }
    }

    /** Saves the window size, cancels the running job and frees the open model. */
    public void close() {
        saveSize();
        viewModel.close();
    }
}
