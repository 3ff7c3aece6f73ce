package dev.topiary.ui;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.AnalysisInfo;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.ui.analysis.AnalysisCommands;
import dev.topiary.ui.analysis.AnalysisViewModel;
import dev.topiary.ui.analysis.CaptureSettings;
import dev.topiary.ui.analysis.NeuronDetailModel;
import dev.topiary.ui.analysis.NeuronSample;
import dev.topiary.ui.analysis.PromptTokens;
import dev.topiary.ui.selection.NeuronId;
import dev.topiary.ui.selection.NeuronSelection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.BooleanExpression;
import javafx.concurrent.Task;

/**
 * The window's side of the analysis views: captures, opens, saves and exports analyses as jobs with progress
 * in the status bar, and computes what the inspector and the per-token view need for the neuron and prompt the
 * user picks. Use it on the FX thread only.
 */
final class AnalysisJobs extends StageJobs implements AnalysisCommands {

    /** Maximum number of prompts a neuron's histogram runs over, so that it stays quick on a large set. */
    static final int HISTOGRAM_PROMPTS = 200;

    /** Requests for the background computations; the model and prompts are captured when the request is made. */
    private record NeuronRequest(LoadedModel model, PromptSet prompts, NeuronId neuron, int batchSize) {}

    private record TokensRequest(LoadedModel model, int promptIndex, String text) {}

    /** An analysis read from a folder, with its prompt set when the file named in it can still be read. */
    private record OpenedAnalysis(ActivationAnalysis analysis, PromptSet prompts, String promptsMissing) {}

    private final AnalysisViewModel view;
    private final NeuronSelection selection;
    private final CaptureSettings captureSettings;
    private final InferenceService inference;
    private final BooleanBinding canCapture;
    private final LatestRequestLoader<NeuronRequest, NeuronSample> neuronLoader;
    private final LatestRequestLoader<TokensRequest, PromptTokens> tokensLoader;
    /** Counts the analyses shown, so that the late partial result of a cancelled capture never hides a newer one. */
    private int shownAnalyses;
    /** Layers and neurons of the model or analysis the selection refers to, {0, 0} before either. */
    private int[] selectionShape = {0, 0};

    AnalysisJobs(MainViewModel main, InferenceService inference, JobRunner jobs, UiSettings settings,
            AnalysisViewModel view, NeuronSelection selection, CaptureSettings captureSettings) {
        super(main, settings);
        this.inference = inference;
        this.view = view;
        this.selection = selection;
        this.captureSettings = captureSettings;
        this.canCapture = Bindings.createBooleanBinding(() -> {
            ModelSummary model = main.modelProperty().get();
            return model != null && model.hasTokenizer() && !main.busyProperty().get();
        }, main.modelProperty(), main.busyProperty());
        this.neuronLoader = new LatestRequestLoader<>(jobs, "Sample neuron", this::sampleNeuron,
                this::showNeuronSample, (request, error) -> {
                    view.detail().showSampleUnavailable(request.neuron(), "Failed: " + error.getMessage());
                    main.reportError("Neuron histogram failed", error);
                });
        this.tokensLoader = new LatestRequestLoader<>(jobs, "Prompt tokens",
                (request, superseded) -> inference.promptTokens(request.model(), request.promptIndex(),
                        request.text()),
                (request, tokens) -> view.tokens().showTokens(tokens), (request, error) -> {
                    view.tokens().showUnavailable(request.promptIndex(), "Failed: " + error.getMessage());
                    main.reportError("Per-token view failed", error);
                });
        view.focusedNeuronProperty().addListener((property, before, neuron) -> requestNeuronSample(neuron));
        view.tokens().selectedPromptProperty().addListener((property, before, index) ->
                requestTokens(index.intValue()));
    }

    /** Follows a newly opened model: recomputes what depends on it and keeps the selection if it still fits. */
    void modelChanged(LoadedModel model) {
        view.setModelOpen(true);
        ModelSummary summary = model.summary();
        resetSelectionUnlessShape(summary.numHiddenLayers(), summary.intermediateSize());
        if (view.analysisProperty().get() != null) {
            requestNeuronSample(view.focusedNeuronProperty().get());
            requestTokens(view.tokens().selectedPromptProperty().get());
        }
    }

    private void resetSelectionUnlessShape(int layers, int neurons) {
        if (selectionShape[0] != layers || selectionShape[1] != neurons) {
            selection.reset();
            selectionShape = new int[] {layers, neurons};
        }
    }

    @Override
    public void capture() {
        Path file = captureSettings.promptFileProperty().get();
        LoadedModel model = main.loadedModel();
        if (!canCapture.get() || file == null || model == null) {
            return;
        }
        CaptureOptions options;
        try {
            ChoiceException.requireTokenizer(model, "the prompts", InferenceService.OPEN_WITH_TOKENIZER);
            options = captureSettings.options();
        } catch (IllegalArgumentException e) {
            main.reportError("Capture failed", e);
            return;
        }
        int shownBefore = shownAnalyses;
        CaptureTask task = new CaptureTask(inference, model, file, options, partial -> {
            AnalysisInfo info = partial.analysis().info();
            if (shownAnalyses != shownBefore || info.promptsDone() == 0) {
                return;
            }
            show(partial.analysis(), partial.prompts(), null);
            main.showStatus("Capture cancelled after " + info.promptsDone() + " of "
                    + Counts.of(info.promptCount(), "prompt") + "; the analysis shows those");
        });
        main.startJob(task, "Capture", result -> {
            show(result.analysis(), result.prompts(), null);
            AnalysisInfo info = result.analysis().info();
            return String.format(Locale.ROOT, "Captured %s of %s (%s)", Counts.of(info.promptsDone(), "prompt"),
                    info.promptSetName(), Counts.of(info.tokens(), "token"));
        });
    }

    @Override
    public void cancelJob() {
        main.cancelShortJob();
    }

    @Override
    public void openAnalysis(Path folder) {
        main.startJob(task("Open analysis", "Reading " + folder, () -> readAnalysis(folder)), "Open analysis",
                opened -> {
                    show(opened.analysis(), opened.prompts(), opened.promptsMissing());
                    return "Opened the analysis of " + opened.analysis().info().promptSetName() + " from " + folder;
                });
    }

    private static OpenedAnalysis readAnalysis(Path folder) throws IOException {
        ActivationAnalysis analysis;
        try {
            analysis = ActivationAnalysis.load(folder);
        } catch (RuntimeException e) {
            // The loader reads its CSV and JSON files without checking every field, so a damaged file
            // surfaces as a parsing or indexing exception.
            throw new IOException(folder + " is not a valid analysis folder: a file is damaged or incomplete ("
                    + e + "). Save the analysis again, or choose another folder.", e);
        }
        String source = analysis.info().promptSetSource();
        if (source == null || source.isBlank()) {
            return new OpenedAnalysis(analysis, null, "The prompts of this analysis were not read from a file, "
                    + "so they cannot be shown.");
        }
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
            return new OpenedAnalysis(analysis, null, "The prompt file " + file + " was not found, so the "
                    + "per-token view and the histograms are not available.");
        }
        try {
            return new OpenedAnalysis(analysis, PromptSet.read(file), null);
        } catch (PromptSetException e) {
            return new OpenedAnalysis(analysis, null, e.getMessage());
        }
    }

    @Override
    public void saveAnalysis(Path folder) {
        ActivationAnalysis analysis = view.analysisProperty().get();
        if (analysis != null) {
            main.startJob(task("Save analysis", "Writing " + folder, () -> analysis.save(folder)), "Save analysis",
                    saved -> "Saved the analysis to " + saved);
        }
    }

    @Override
    public void exportNeuronTable(Path file) {
        ActivationAnalysis analysis = view.analysisProperty().get();
        if (analysis != null) {
            main.startJob(task("Export neuron table", "Writing " + file, () -> {
                analysis.writeNeuronCsv(file);
                return file;
            }), "Export neuron table", written -> "Wrote the neuron table to " + written);
        }
    }

    @Override
    public void exportLayerTable(Path file) {
        ActivationAnalysis analysis = view.analysisProperty().get();
        if (analysis != null) {
            main.startJob(task("Export layer table", "Writing " + file, () -> {
                analysis.writeLayerCsv(file);
                return file;
            }), "Export layer table", written -> "Wrote the layer table to " + written);
        }
    }

    /** Wraps short file work as a task with an indeterminate progress bar. */
    private static <T> Task<T> task(String title, String message, Callable<T> work) {
        return new Task<>() {
            {
                updateTitle(title);
                updateMessage(message);
                updateProgress(-1, 1);
            }

            @Override
            protected T call() throws Exception {
                return work.call();
            }
        };
    }

    private void show(ActivationAnalysis analysis, PromptSet prompts, String promptsMissing) {
        shownAnalyses++;
        resetSelectionUnlessShape(analysis.neurons().layers(), analysis.neurons().neurons());
        neuronLoader.cancel();
        tokensLoader.cancel();
        view.show(analysis, prompts, promptsMissing);
    }

    /** Returns why the open model cannot compute values for the shown analysis, or null when it can. */
    private String modelMismatch(LoadedModel model, ActivationAnalysis analysis) {
        AnalysisInfo info = analysis.info();
        if (model == null) {
            return "Open the model " + info.modelName() + " to compute the histogram, weight norms and tokens.";
        }
        ModelSummary summary = model.summary();
        if (!summary.name().equals(info.modelName()) || summary.numHiddenLayers() != analysis.neurons().layers()
                || summary.intermediateSize() != analysis.neurons().neurons()) {
            return "The open model is " + summary.name() + " but the analysis is of " + info.modelName()
                    + "; open that model to compute the histogram, weight norms and tokens.";
        }
        return null;
    }

    private void requestNeuronSample(NeuronId neuron) {
        ActivationAnalysis analysis = view.analysisProperty().get();
        if (neuron == null || analysis == null) {
            neuronLoader.cancel();
            return;
        }
        LoadedModel model = main.loadedModel();
        String mismatch = modelMismatch(model, analysis);
        if (mismatch != null) {
            neuronLoader.cancel();
            view.detail().showSampleUnavailable(neuron, mismatch);
            return;
        }
        neuronLoader.request(new NeuronRequest(model, view.tokens().promptSet(), neuron,
                analysis.info().batchSize()));
    }

    private NeuronSample sampleNeuron(NeuronRequest request, BooleanSupplier superseded) {
        return inference.sampleNeuron(request.model(), request.prompts(), request.neuron(), HISTOGRAM_PROMPTS,
                request.batchSize(), superseded);
    }

    private void showNeuronSample(NeuronRequest request, NeuronSample sample) {
        String status = sample.values() == null
                ? "No histogram: the prompt set of this analysis is not available."
                : String.format(Locale.ROOT, "%s of the first %s; the dashed line is the threshold, %s",
                        Counts.of(sample.values().length, "token"), Counts.of(sample.prompts(), "prompt"),
                        NeuronDetailModel.format(view.analysisProperty().get().info().threshold()));
        view.detail().showSample(request.neuron(), sample, status);
    }

    private void requestTokens(int promptIndex) {
        ActivationAnalysis analysis = view.analysisProperty().get();
        PromptSet prompts = view.tokens().promptSet();
        if (analysis == null || prompts == null || promptIndex < 0 || promptIndex >= prompts.size()) {
            tokensLoader.cancel();
            return;
        }
        LoadedModel model = main.loadedModel();
        String mismatch = modelMismatch(model, analysis);
        if (mismatch != null) {
            tokensLoader.cancel();
            view.tokens().showUnavailable(promptIndex, mismatch);
            return;
        }
        view.tokens().showLoading(promptIndex);
        tokensLoader.request(new TokensRequest(model, promptIndex, prompts.prompts().get(promptIndex).text()));
    }

    @Override
    public BooleanExpression canCapture() {
        return canCapture;
    }
}
