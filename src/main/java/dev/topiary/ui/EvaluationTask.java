package dev.topiary.ui;

import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.evaluation.ChoiceScorer;
import dev.topiary.evaluation.ChoiceTask;
import dev.topiary.evaluation.ModelSize;
import dev.topiary.evaluation.SpeedProbe;
import dev.topiary.evaluation.TextMetrics;
import dev.topiary.model.ModelFormatException;
import dev.topiary.ui.evaluation.EvaluationPlan;
import dev.topiary.ui.evaluation.EvaluationReport;
import dev.topiary.ui.evaluation.EvaluationRow;
import dev.topiary.ui.evaluation.ModelChoice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.concurrent.Task;

/**
 * Evaluates several models in the background: perplexity on a text set with KL and top-1 agreement against a
 * reference, accuracy on multiple-choice tasks, prefill and decode speed, and greedy generations.
 *
 * <p>Models are loaded one at a time and closed after their row, so at most two are in memory: the reference,
 * which stays loaded for the whole run, and the model being evaluated. The window's open model is used as it is
 * and never closed. Cancelling stops at the next batch; the rows of the models finished before go to
 * {@code partialResult} on the FX thread.
 */
final class EvaluationTask extends Task<EvaluationReport> {

    /** Shares of one model's progress: text scoring, then tasks, speed and generations. */
    /** The fix for a model without a tokenizer in the evaluation list. */
    static final String UNTICK_OR_ADD_TOKENIZER = "Untick the model in the Evaluate tab's model list, or add "
            + "tokenizer.json to its folder (a llama2.c checkpoint needs its tokenizer .bin beside it).";
    private static final double TEXT_END = 0.55;
    private static final double TASKS_END = 0.75;
    private static final double SPEED_END = 0.88;

    private final InferenceService inference;
    private final LoadedModel openModel;
    private final EvaluationPlan plan;
    private final ComputeDtype windowDtype;
    private final Consumer<EvaluationReport> partialResult;
    private long started;
    private int modelIndex;
    private String modelName = "";

    /**
     * @param openModel the window's open model, or null; a plan model marked as the open model uses it
     * @param windowDtype the model picker's dtype choice, or null to use each model's models.cfg dtype or the
     *     default
     */
    EvaluationTask(InferenceService inference, LoadedModel openModel, EvaluationPlan plan, ComputeDtype windowDtype,
            Consumer<EvaluationReport> partialResult) {
        this.inference = inference;
        this.openModel = openModel;
        this.plan = plan;
        this.windowDtype = windowDtype;
        this.partialResult = partialResult;
        updateTitle("Evaluate");
        updateMessage("Reading " + plan.textSet().getFileName());
        updateProgress(-1, 1);
    }

    @Override
    protected EvaluationReport call() throws PromptSetException, ModelFormatException {
        PromptSet texts = PromptSet.read(plan.textSet());
        List<ChoiceTask> tasks = new ArrayList<>();
        for (Path file : plan.tasks()) {
            tasks.add(ChoiceTask.read(file));
        }
        started = System.nanoTime();
        List<EvaluationRow> rows = new ArrayList<>();
        ModelChoice referenceChoice = plan.reference();
        LoadedModel reference = null;
        try {
            if (referenceChoice != null) {
                updateMessage("Loading the reference " + referenceChoice.name());
                reference = acquire(referenceChoice);
            }
            for (modelIndex = 0; modelIndex < plan.models().size() && !isCancelled(); modelIndex++) {
                ModelChoice choice = plan.models().get(modelIndex);
                modelName = choice.name();
                boolean isReference = referenceChoice != null && referenceChoice.key().equals(choice.key());
                report("loading", 0);
                LoadedModel model = isReference ? reference : acquire(choice);
                try {
                    EvaluationRow row = evaluate(model, reference, texts, tasks);
                    if (!isCancelled()) {
                        rows.add(row);
                    }
                } finally {
                    if (!isReference) {
                        release(model);
                    }
                }
            }
        } finally {
            if (reference != null) {
                release(reference);
            }
        }
        EvaluationReport report = new EvaluationReport(texts.name(),
                referenceChoice == null ? null : referenceChoice.name(), tasks.stream().map(ChoiceTask::name).toList(),
                plan.prompts(), rows, plan.models().size());
        if (isCancelled() && !rows.isEmpty()) {
            Platform.runLater(() -> partialResult.accept(report));
        }
        return report;
    }

    private EvaluationRow evaluate(LoadedModel model, LoadedModel reference, PromptSet texts, List<ChoiceTask> tasks) {
        ChoiceException.requireTokenizer(model, "the evaluation texts", UNTICK_OR_ADD_TOKENIZER);
        int context = model.model().config().maxPositionEmbeddings();
        if (reference != null) {
            context = Math.min(context, reference.model().config().maxPositionEmbeddings());
        }
        int window = plan.windowFor(context);
        TextMetrics text = inference.scoreText(model, reference, texts, window, plan.strideFor(window),
                plan.batchSize(), (done, total) -> report("perplexity " + done + " / " + Counts.of(total, "window"),
                        TEXT_END * done / total), this::isCancelled);

        List<ChoiceScorer.Result> results = new ArrayList<>();
        for (int i = 0; i < tasks.size() && !isCancelled(); i++) {
            ChoiceTask task = tasks.get(i);
            double taskStart = TEXT_END + (TASKS_END - TEXT_END) * i / tasks.size();
            double taskShare = (TASKS_END - TEXT_END) / tasks.size();
            results.add(inference.scoreChoices(model, task, (done, total) -> report(task.name() + " " + done
                    + " / " + Counts.of(total, "item"), taskStart + taskShare * done / total), this::isCancelled));
        }

        SpeedProbe.Speed speed = null;
        if (plan.speedTokens() > 0 && !isCancelled()) {
            report("speed", TASKS_END);
            speed = inference.measureSpeed(model, texts.prompts().get(0).text(), plan.speedTokens());
        }

        List<String> generations = List.of();
        if (!plan.prompts().isEmpty() && !isCancelled()) {
            report("generations", SPEED_END);
            generations = inference.generateGreedy(model, plan.prompts(), plan.generationTokens(), this::isCancelled);
        }
        ModelSummary summary = model.summary();
        return new EvaluationRow(summary.name(), summary.source(), summary.parameterCount(),
                ModelSize.fileBytes(summary.source()), text, results, speed, generations);
    }

    /** Returns the open model for the plan's open model, or loads the model. */
    private LoadedModel acquire(ModelChoice choice) throws ModelFormatException {
        if (openModel != null && (choice.isOpenModel()
                || openModel.summary().source().toAbsolutePath().normalize().equals(choice.key()))) {
            return openModel;
        }
        return inference.load(choice.path(), choice.tokenizer(), ComputeDtype.firstOf(windowDtype, choice.dtype()));
    }

    private void release(LoadedModel model) {
        if (model != openModel) {
            inference.close(model);
        }
    }

    /** Reports the current step of the current model, with the share of that model's work done. */
    private void report(String step, double modelShare) {
        int count = plan.models().size();
        double done = (modelIndex + Math.min(1, modelShare)) / count;
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        String left = done <= 0.02 ? "" : ", about " + CaptureTask.formatDuration(elapsedSeconds / done * (1 - done))
                + " left";
        updateMessage(String.format(Locale.ROOT, "Evaluating %d of %d, %s: %s%s", modelIndex + 1, count, modelName,
                step, left));
        updateProgress(done, 1);
    }
}
