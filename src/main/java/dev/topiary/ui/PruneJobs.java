package dev.topiary.ui;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.LayerStatistics;
import dev.topiary.activations.NeuronStatistics;
import dev.topiary.activations.Prompt;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.LayerChoice;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.PromptPair;
import dev.topiary.pruning.PromptPairs;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PrunePreview;
import dev.topiary.ui.analysis.AnalysisViewModel;
import dev.topiary.ui.analysis.CaptureSettings;
import dev.topiary.ui.pruning.ExportOutcome;
import dev.topiary.ui.pruning.FairnessViewModel;
import dev.topiary.ui.pruning.FairnessViewModel.AfterPruning;
import dev.topiary.ui.pruning.FairnessViewModel.Measured;
import dev.topiary.ui.pruning.PlanRequest;
import dev.topiary.ui.pruning.PlanSizes;
import dev.topiary.ui.pruning.PreviewOutcome;
import dev.topiary.ui.pruning.PruneCommands;
import dev.topiary.ui.pruning.PruneScore;
import dev.topiary.ui.pruning.PruneViewModel;
import dev.topiary.ui.selection.NeuronSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javafx.concurrent.Task;

/**
 * The window's side of the Prune and Fairness tabs: builds pruning plans, previews and exports them, and measures
 * bias reports, each as a job with progress in the status bar. Neuron scores are kept per model and method, so
 * trying other targets does not read the weights again. Use it on the FX thread only.
 */
final class PruneJobs extends StageJobs implements PruneCommands {

    /**
     * The inputs a plan is built from, captured on the FX thread when the user starts a job.
     *
     * @param calibration the prompt file of the analysis, or null without one
     * @param pairFile the pair file of the bias report, or null without one
     */
    private record PlanInputs(LoadedModel model, PlanRequest request, NeuronStatistics activations,
            LayerStatistics influence, float[][] bias, String calibration, Path pairFile) {}

    /** Scores are cached per model, method and, for the activation score, analysis; compared by identity. */
    private record ScoreKey(LoadedModel model, NeuronScoreMethod method, NeuronStatistics activations) {}

    private final InferenceService inference;
    private final AnalysisViewModel analysis;
    private final CaptureSettings captureSettings;
    private final PruneViewModel pruning;
    private final FairnessViewModel fairness;
    private final Map<ScoreKey, float[][]> scores = new ConcurrentHashMap<>();

    PruneJobs(MainViewModel main, InferenceService inference, UiSettings settings, NeuronSelection selection,
            AnalysisViewModel analysis, CaptureSettings captureSettings, PruneViewModel pruning,
            FairnessViewModel fairness) {
        super(main, settings);
        this.inference = inference;
        this.analysis = analysis;
        this.captureSettings = captureSettings;
        this.pruning = pruning;
        this.fairness = fairness;
        pruning.selectionProperty().bind(selection.selectedProperty());
        // An invalidation listener, because reopening a model gives an equal summary but a new model.
        main.modelProperty().addListener(observable -> modelChanged(main.modelProperty().get()));
        analysis.analysisProperty().addListener(observable -> pruning.setAnalysis(matchingAnalysis()));
        fairness.beforeProperty().addListener((property, before, now) ->
                pruning.setBiasReport(now == null ? null : now.report()));
        // Relative to the working directory, which is the checkout under mvn javafx:run.
        Path samples = Path.of("sample-prompts");
        pruning.heldOut().listFolder(samples, PruneJobs::isTextFile, "stories.txt");
        fairness.pairFiles().listFolder(samples, PruneJobs::isPairFile, null);
    }

    private static boolean isTextFile(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt");
    }

    /** Returns whether a file is named as a pair file: "pair" in the name and a JSONL or TSV extension. */
    private static boolean isPairFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.contains("pair") && (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".tsv"));
    }

    private void modelChanged(ModelSummary summary) {
        scores.clear();
        LoadedModel model = main.loadedModel();
        pruning.setModel(summary == null || model == null ? null : model.model().config());
        pruning.setAnalysis(matchingAnalysis());
        fairness.setModelOpen(summary != null);
    }

    /** Returns the shown analysis when it is of the open model, else null. */
    private ActivationAnalysis matchingAnalysis() {
        ActivationAnalysis shown = analysis.analysisProperty().get();
        LoadedModel model = main.loadedModel();
        if (shown == null || model == null) {
            return null;
        }
        ModelSummary summary = model.summary();
        boolean matches = summary.name().equals(shown.info().modelName())
                && summary.numHiddenLayers() == shown.neurons().layers()
                && summary.intermediateSize() == shown.neurons().neurons();
        return matches ? shown : null;
    }

    /** Captures what the plan needs, or reports why it cannot be built and returns null. */
    private PlanInputs planInputs(String title) {
        LoadedModel model = main.loadedModel();
        if (model == null || main.busyProperty().get()) {
            return null;
        }
        String error = pruning.planErrorProperty().get();
        if (error != null) {
            main.reportError(title + " failed", new IllegalArgumentException(error));
            return null;
        }
        ActivationAnalysis shown = pruning.analysisProperty().get();
        BiasReport bias = pruning.biasReportProperty().get();
        Measured measured = fairness.beforeProperty().get();
        return new PlanInputs(model, pruning.request(), shown == null ? null : shown.neurons(),
                shown == null ? null : shown.layers(), bias == null ? null : bias.neuronBias(),
                shown == null ? null : shown.info().promptSetSource(), measured == null ? null : measured.file());
    }

    /** Builds the plan on the job thread; scores come from the cache or are computed once. */
    private PrunePlan buildPlan(PlanInputs inputs) throws ModelFormatException {
        PlanRequest request = inputs.request();
        float[][] importance = null;
        if (request.needsScores()) {
            NeuronScoreMethod method = request.importanceMethod();
            NeuronStatistics activations = method.needsActivations() ? inputs.activations() : null;
            ScoreKey key = new ScoreKey(inputs.model(), method, activations);
            importance = scores.get(key);
            if (importance == null) {
                importance = inference.neuronScores(inputs.model(), method, activations);
                scores.put(key, importance);
            }
        }
        return request.build(inputs.model().model().config(), importance, inputs.bias(), inputs.influence());
    }

    @Override
    public void preview() {
        PlanInputs inputs = planInputs("Preview");
        Path heldOutFile = pruning.heldOut().chosenProperty().get();
        Integer tokens = pruning.previewTokensProperty().get();
        Integer setPrompts = pruning.previewSetPromptsProperty().get();
        if (inputs == null) {
            return;
        }
        if (heldOutFile == null || tokens == null || setPrompts == null) {
            main.reportError("Preview failed", new IllegalArgumentException("The held-out text file, the new "
                    + "tokens and the prompts from the set need a value each."));
            return;
        }
        String prompt = main.promptProperty().get() == null ? "" : main.promptProperty().get().strip();
        Path promptSet = captureSettings.promptFileProperty().get();
        Task<PreviewOutcome> task = new Task<>() {
            {
                updateTitle("Preview pruning");
                updateMessage("Scoring neurons");
                updateProgress(-1, 1);
            }

            @Override
            protected PreviewOutcome call() throws Exception {
                PrunePlan plan = buildPlan(inputs);
                List<String> prompts = previewPrompts(prompt, promptSet, setPrompts);
                PromptSet heldOut = PromptSet.read(heldOutFile);
                int steps = prompts.size() + 1;
                updateMessage("Previewing on " + Counts.of(prompts.size(), "prompt") + " and " + heldOut.name());
                updateProgress(0, steps);
                PrunePreview.Result result = inference.previewPrune(inputs.model(), plan, prompts, heldOut, tokens,
                        done -> updateProgress(done, steps), this::isCancelled);
                return new PreviewOutcome(inputs.request(), plan, result, heldOut.name(), heldOut.size());
            }
        };
        main.startJob(task, "Preview pruning", outcome -> {
            pruning.showPreview(outcome);
            PrunePreview.Result result = outcome.result();
            return String.format(Locale.ROOT, "Preview: perplexity %.3f \u2192 %.3f on %s; parameters %s \u2192 %s",
                    result.perplexityBefore(), result.perplexityAfter(), outcome.heldOutName(),
                    PlanSizes.formatCount(result.parametersBefore()), PlanSizes.formatCount(result.parametersAfter()));
        });
    }

    /** Returns the typed prompt, if any, then the first prompts of the left panel's prompt set. */
    private static List<String> previewPrompts(String prompt, Path promptSet, int fromSet) throws PromptSetException {
        List<String> prompts = new ArrayList<>();
        if (!prompt.isEmpty()) {
            prompts.add(prompt);
        }
        if (promptSet != null && fromSet > 0) {
            for (Prompt entry : PromptSet.read(promptSet).prompts()) {
                if (prompts.size() >= fromSet + (prompt.isEmpty() ? 0 : 1)) {
                    break;
                }
                if (!prompts.contains(entry.text())) {
                    prompts.add(entry.text());
                }
            }
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("There is no prompt to generate from. Type a prompt on the left, or "
                    + "choose a prompt set there and preview at least one of its prompts.");
        }
        return prompts;
    }

    @Override
    public void export(Path folder) {
        PlanInputs inputs = planInputs("Export");
        if (inputs == null) {
            return;
        }
        PlanRequest request = inputs.request();
        Task<ExportOutcome> task = new Task<>() {
            {
                updateTitle("Export pruned model");
                updateMessage("Scoring neurons");
                updateProgress(-1, 1);
            }

            @Override
            protected ExportOutcome call() throws Exception {
                PrunePlan plan = buildPlan(inputs);
                updateMessage("Writing the pruned model to " + folder);
                Path written = inference.exportPruned(inputs.model(), plan, folder, request.recordMethod(),
                        recordParameters(inputs, plan));
                ModelConfig after = plan.apply(inputs.model().model().config());
                return new ExportOutcome(written, after.parameterCount(), after.intermediateSize(),
                        after.numHiddenLayers());
            }
        };
        main.startJob(task, "Export pruned model", outcome -> {
            pruning.showExport(outcome);
            return "Exported the pruned model (" + PlanSizes.formatCount(outcome.parameters()) + " parameters) to "
                    + outcome.folder();
        });
    }

    /** Returns the settings topiary.json records, with the files the scores and layer choice came from. */
    private static Map<String, Object> recordParameters(PlanInputs inputs, PrunePlan plan) {
        PlanRequest request = inputs.request();
        Map<String, Object> parameters = request.recordParameters(plan.removedLayers());
        boolean usesAnalysis = (request.needsScores() && request.importanceMethod().needsActivations())
                || (request.depthMode() == PlanRequest.DepthMode.COUNT
                        && request.layerChoice() == LayerChoice.INFLUENCE);
        parameters.put("calibration", usesAnalysis ? inputs.calibration() : null);
        boolean usesBias = request.needsScores() && request.score() == PruneScore.FAIRNESS;
        parameters.put("pairs", usesBias && inputs.pairFile() != null ? inputs.pairFile().toString() : null);
        return parameters;
    }

    @Override
    public void openModel(Path folder) {
        main.openModel(folder);
    }

    @Override
    public void measureBias(Path pairFile) {
        LoadedModel model = main.loadedModel();
        if (model == null || main.busyProperty().get() || pairFile == null) {
            return;
        }
        try {
            ChoiceException.requireTokenizer(model, "the pair prompts", InferenceService.OPEN_WITH_TOKENIZER);
        } catch (ChoiceException e) {
            main.reportError("Measure bias failed", e);
            return;
        }
        Task<Measured> task = new Task<>() {
            {
                updateTitle("Measure bias");
                updateMessage("Reading " + pairFile.getFileName());
                updateProgress(-1, 1);
            }

            @Override
            protected Measured call() {
                List<PromptPair> pairs = readPairs(pairFile);
                updateMessage("Measuring bias on " + pairs.size() + " prompt pairs");
                BiasReport report = inference.measureBias(model, pairs, null, this::isCancelled);
                return new Measured(report, pairs, pairFile.toAbsolutePath().normalize(), baseName(pairFile));
            }
        };
        main.startJob(task, "Measure bias", measured -> {
            fairness.show(measured);
            return String.format(Locale.ROOT, "Measured bias on %s of %s: bias score %.5f",
                    Counts.of(measured.report().divergences().size(), "pair"), measured.name(),
                    measured.report().meanActivationDifference());
        });
    }

    /** Reads a pair file; its problems are reported as invalid values, since the prompt-set fix would mislead. */
    private static List<PromptPair> readPairs(Path file) {
        try {
            return PromptPairs.read(file);
        } catch (PromptSetException e) {
            throw new IllegalArgumentException(e.getMessage() + " Fix the file, or choose another pair file.", e);
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Override
    public void measureBiasAfterPruning() {
        Measured before = fairness.beforeProperty().get();
        PlanInputs inputs = planInputs("Bias after pruning");
        if (before == null || inputs == null) {
            return;
        }
        Task<AfterPruning> task = new Task<>() {
            {
                updateTitle("Bias after pruning");
                updateMessage("Scoring neurons");
                updateProgress(-1, 1);
            }

            @Override
            protected AfterPruning call() throws Exception {
                PrunePlan plan = buildPlan(inputs);
                updateMessage("Measuring bias on " + before.pairs().size() + " prompt pairs with the plan applied");
                BiasReport report = inference.measureBias(inputs.model(), before.pairs(), plan, this::isCancelled);
                return new AfterPruning(report, inputs.request().describe());
            }
        };
        main.startJob(task, "Bias after pruning", after -> {
            fairness.showAfter(after);
            return String.format(Locale.ROOT, "Bias score %.5f before, %.5f after pruning",
                    before.report().meanActivationDifference(), after.report().meanActivationDifference());
        });
    }
}
