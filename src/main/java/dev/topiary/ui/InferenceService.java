package dev.topiary.ui;

import dev.topiary.activations.ActivationAnalysis;
import dev.topiary.activations.ActivationRecorder;
import dev.topiary.activations.CaptureOptions;
import dev.topiary.activations.CaptureProgress;
import dev.topiary.activations.NeuronStatistics;
import dev.topiary.activations.NeuronValues;
import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetCapture;
import dev.topiary.activations.SiteKind;
import dev.topiary.activations.TokenActivations;
import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.TensorEngine;
import dev.topiary.evaluation.ChoiceScorer;
import dev.topiary.evaluation.ChoiceTask;
import dev.topiary.evaluation.SpeedProbe;
import dev.topiary.evaluation.TextMetrics;
import dev.topiary.evaluation.TextScorer;
import dev.topiary.export.ExportException;
import dev.topiary.export.HfFolderWriter;
import dev.topiary.model.Ablation;
import dev.topiary.model.Checkpoint;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.GenerationResult;
import dev.topiary.model.Generator;
import dev.topiary.model.LanguageModel;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.ModelLoader;
import dev.topiary.model.tokenizer.TextTokenizer;
import dev.topiary.pruning.BiasAnalysis;
import dev.topiary.pruning.BiasReport;
import dev.topiary.pruning.NeuronScoreMethod;
import dev.topiary.pruning.NeuronScores;
import dev.topiary.pruning.PromptPair;
import dev.topiary.pruning.PrunePlan;
import dev.topiary.pruning.PrunePreview;
import dev.topiary.pruning.PruneRecord;
import dev.topiary.pruning.Pruner;
import dev.topiary.ui.activations.MlpActivations;
import dev.topiary.ui.activations.PromptRun;
import dev.topiary.ui.analysis.NeuronSample;
import dev.topiary.ui.analysis.PromptTokens;
import dev.topiary.ui.analysis.WeightNorms;
import dev.topiary.ui.selection.NeuronId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * The window's way into the tensor engine: loads models, runs prompts, captures prompt sets, previews and exports
 * pruned models, measures bias and scores models, and returns plain Java values. Every
 * method blocks until the engine thread has done the work, so call them from a background job, never from the
 * FX thread.
 */
public final class InferenceService {

    /** The fix for a prompt typed for the open model when that model has no tokenizer. */
    static final String OPEN_WITH_TOKENIZER = "Open a model with a tokenizer (a Hugging Face folder with "
            + "tokenizer.json, or a llama2.c checkpoint with its tokenizer .bin beside it), or add tokenizer.json to "
            + "this model's folder and open it again.";

    /** Starts the process-wide engine if needed and returns its device name, such as "CPU". */
    public String startEngine() {
        return TensorEngine.get().deviceName();
    }

    /** Loads a Hugging Face model folder or a llama2.c checkpoint, with its tokenizer found beside it. */
    public LoadedModel load(Path path) throws ModelFormatException {
        return load(path, null);
    }

    /**
     * Loads a model like {@link #load(Path)}.
     *
     * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint
     */
    public LoadedModel load(Path path, Path tokenizer) throws ModelFormatException {
        return load(path, tokenizer, ComputeDtype.fromSystemProperty());
    }

    /**
     * Loads a model like {@link #load(Path)} in the requested dtype.
     *
     * @param tokenizer a llama2.c tokenizer file, or null to look beside the checkpoint
     */
    public LoadedModel load(Path path, Path tokenizer, ComputeDtype dtype) throws ModelFormatException {
        LanguageModel model = LanguageModel.load(TensorEngine.get(), path, tokenizer, dtype);
        return new LoadedModel(model, ModelSummary.of(model));
    }

    /** Frees a model's weights on the engine thread. */
    public void close(LoadedModel loaded) {
        TensorEngine.get().call(manager -> {
            loaded.model().close();
            return null;
        });
    }

    /**
     * Continues a prompt and records the MLP activations of every position.
     *
     * @param tokensDone receives the number of generated tokens so far, on the engine thread, between tokens
     * @param cancelled polled between tokens; generation stops early and returns what it has when it is true
     */
    public PromptRun run(LoadedModel loaded, String prompt, GenerationOptions options, IntConsumer tokensDone,
            BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        ChoiceException.requireTokenizer(loaded, "the prompt", OPEN_WITH_TOKENIZER);
        TextTokenizer tokenizer = model.tokenizer();
        int[] promptTokens = tokenizer.encode(prompt);
        int context = model.config().maxPositionEmbeddings();
        if (promptTokens.length >= context) {
            throw new IllegalArgumentException("The prompt has " + promptTokens.length + " tokens, but the model "
                    + "reads at most " + context + ". Shorten the prompt.");
        }
        int layers = model.config().numHiddenLayers();
        return TensorEngine.get().call(manager -> {
            TokenActivations recorder = new TokenActivations(layers, EnumSet.of(SiteKind.MLP_POST));
            BooleanSupplier reportAndPoll = () -> {
                tokensDone.accept(Math.max(0, recorder.tokens(SiteKind.MLP_POST) - promptTokens.length + 1));
                return cancelled.getAsBoolean();
            };
            GenerationResult result = Generator.generate(model, promptTokens, options, recorder, reportAndPoll);
            if (recorder.tokens(SiteKind.MLP_POST) == 0) {
                throw new IllegalArgumentException("Generation was cancelled before the prompt was read, so no "
                        + "activations were recorded. Run the prompt again.");
            }
            MlpActivations activations = MlpActivations.takeFrom(recorder);
            return new PromptRun(prompt, result.text(), tokenTexts(tokenizer, result, activations.positions()),
                    promptTokens.length, result.generatedTokens().length, result.stopReason(),
                    result.decodeTokensPerSecond(), activations);
        });
    }

    /**
     * Captures activation statistics of every MLP neuron over a prompt set.
     *
     * @param progress receives prompts done and total after each batch, on the engine thread
     * @param cancelled polled between batches; the capture then returns the statistics of the batches so far
     */
    public ActivationAnalysis capture(LoadedModel loaded, PromptSet prompts, CaptureOptions options,
            CaptureProgress progress, BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        return TensorEngine.get().call(manager -> PromptSetCapture.run(model, prompts, options, progress, cancelled));
    }

    /**
     * Computes a neuron's weight norms and, when the prompts are given, its activation at every token of the
     * first {@code maxPrompts} of them.
     *
     * @param prompts the prompt set, or null for the weight norms alone
     * @param cancelled polled between batches; the values collected so far are returned when it is true
     */
    public NeuronSample sampleNeuron(LoadedModel loaded, PromptSet prompts, NeuronId neuron, int maxPrompts,
            int batchSize, BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        return TensorEngine.get().call(manager -> {
            float[][] norms = model.transformer().mlpWeightNorms(neuron.layer()); // [3][F]: gate, up, down
            WeightNorms weightNorms = new WeightNorms(norms[0][neuron.neuron()], norms[1][neuron.neuron()],
                    norms[2][neuron.neuron()]);
            if (prompts == null) {
                return new NeuronSample(null, 0, weightNorms);
            }
            float[] values = NeuronValues.collect(model, prompts, neuron.layer(), neuron.neuron(), maxPrompts,
                    batchSize, cancelled);
            return new NeuronSample(values, Math.min(maxPrompts, prompts.size()), weightNorms);
        });
    }

    /**
     * Runs one prompt through the model without generating and returns the MLP activations at each of its
     * tokens. A prompt longer than the model's context is cut to fit.
     */
    public PromptTokens promptTokens(LoadedModel loaded, int promptIndex, String text) {
        LanguageModel model = loaded.model();
        ChoiceException.requireTokenizer(loaded, "the prompt", OPEN_WITH_TOKENIZER);
        TextTokenizer tokenizer = model.tokenizer();
        int[] ids = tokenizer.encode(text);
        // Generation needs room for one more token after the prompt, even when it generates none.
        int context = model.config().maxPositionEmbeddings();
        int[] tokens = ids.length >= context ? Arrays.copyOf(ids, context - 1) : ids;
        int layers = model.config().numHiddenLayers();
        return TensorEngine.get().call(manager -> {
            TokenActivations recorder = new TokenActivations(layers, EnumSet.of(SiteKind.MLP_POST));
            Generator.generate(model, tokens, GenerationOptions.greedy(0), recorder, () -> false);
            List<String> texts = new ArrayList<>(tokens.length);
            for (int id : tokens) {
                texts.add(tokenizer.tokenText(id));
            }
            return new PromptTokens(promptIndex, texts, MlpActivations.takeFrom(recorder));
        });
    }

    /**
     * Scores every MLP neuron of the open model. The weights are read from the model's files, opened for this call
     * and closed again, because the scores need the original host tensors rather than the device copies.
     *
     * @param activations statistics of an analysis of this model, needed by the activation score
     */
    public float[][] neuronScores(LoadedModel loaded, NeuronScoreMethod method, NeuronStatistics activations)
            throws ModelFormatException {
        try (Checkpoint checkpoint = ModelLoader.open(loaded.summary().source(), null)) {
            return NeuronScores.compute(method, checkpoint.config(), checkpoint.tensors(), activations);
        }
    }

    /**
     * Compares greedy generations of each prompt and perplexity on a held-out set, without and with a plan
     * applied as an ablation. The model's weights never change.
     *
     * @param stepsDone receives the steps finished, one per prompt and one for the perplexities, of
     *     {@code prompts.size() + 1}
     * @param cancelled polled between tokens and texts; the comparison then stops early
     */
    public PrunePreview.Result previewPrune(LoadedModel loaded, PrunePlan plan, List<String> prompts,
            PromptSet heldOut, int maxNewTokens, IntConsumer stepsDone, BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        TensorEngine engine = TensorEngine.get();
        // One prompt per call, so that progress can be reported between them.
        List<PrunePreview.Generation> generations = new ArrayList<>();
        for (String prompt : prompts) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            generations.addAll(engine.call(manager -> PrunePreview.compare(model, plan, List.of(prompt), null,
                    maxNewTokens, cancelled)).generations());
            stepsDone.accept(generations.size());
        }
        if (cancelled.getAsBoolean()) {
            // Perplexity over no text at all is an error, so a cancelled preview returns without it.
            return new PrunePreview.Result(generations, Double.NaN, Double.NaN, model.config().parameterCount(),
                    plan.apply(model.config()).parameterCount());
        }
        PrunePreview.Result scored = engine.call(manager -> PrunePreview.compare(model, plan, List.of(), heldOut,
                maxNewTokens, cancelled));
        stepsDone.accept(prompts.size() + 1);
        return new PrunePreview.Result(generations, scored.perplexityBefore(), scored.perplexityAfter(),
                scored.parametersBefore(), scored.parametersAfter());
    }

    /**
     * Writes the open model pruned by a plan to a new or empty folder, with topiary.json recording the plan.
     * The weights are read from the model's files, opened for this call and closed again.
     *
     * @param method the method name topiary.json records
     * @param parameters the settings topiary.json records
     * @return the folder written
     */
    public Path exportPruned(LoadedModel loaded, PrunePlan plan, Path folder, String method,
            Map<String, Object> parameters) throws ModelFormatException, ExportException {
        try (Checkpoint checkpoint = ModelLoader.open(loaded.summary().source(), null)) {
            Map<String, Object> record = PruneRecord.of(checkpoint.source().toAbsolutePath().toString(),
                    checkpoint.config(), plan, method, parameters);
            return HfFolderWriter.write(Pruner.prune(checkpoint, plan), folder, record);
        }
    }

    /**
     * Measures how the model's neurons and next-token predictions differ between the prompts of each pair.
     *
     * @param plan applied as an ablation while measuring, or null to measure the model as it is
     * @param cancelled polled between pairs; the report then covers the pairs measured so far
     */
    public BiasReport measureBias(LoadedModel loaded, List<PromptPair> pairs, PrunePlan plan,
            BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        return TensorEngine.get().call(manager -> {
            if (plan == null) {
                return BiasAnalysis.measure(model, pairs, cancelled);
            }
            model.transformer().setAblation(plan.ablation(model.config()));
            try {
                return BiasAnalysis.measure(model, pairs, cancelled);
            } finally {
                model.transformer().setAblation(Ablation.none(model.config().numHiddenLayers()));
            }
        });
    }

    /** Returns the readable text of the first {@code positions} tokens of prompt and continuation together. */
    private static List<String> tokenTexts(TextTokenizer tokenizer, GenerationResult result, int positions) {
        List<String> texts = new ArrayList<>(positions);
        for (int position = 0; position < positions; position++) {
            int promptLength = result.promptTokens().length;
            int id = position < promptLength
                    ? result.promptTokens()[position]
                    : result.generatedTokens()[position - promptLength];
            texts.add(tokenizer.tokenText(id));
        }
        return texts;
    }

    /** Returns the bytes free for new tensors on the engine's device, starting the engine if needed. */
    public long freeDeviceBytes() {
        return TensorEngine.get().freeDeviceBytes();
    }

    /** Returns the name of the dtype a request means on the engine's device, such as "float16". */
    public String dtypeName(ComputeDtype request) {
        return ComputeDtype.name(TensorEngine.get().dataType(request));
    }

    /** Returns the bytes of one element in the dtype a request means on the engine's device. */
    public int bytesPerElement(ComputeDtype request) {
        return TensorEngine.get().dataType(request).getNumOfBytes();
    }

    /**
     * Scores every next token of a text set, with KL divergence and top-1 agreement against a reference.
     *
     * @param reference a model with the same vocabulary, or null; it may be {@code loaded} itself
     * @param progress receives windows done and total after each batch, on the engine thread
     * @param cancelled polled between batches; the metrics of the batches so far are returned when it is true
     */
    public TextMetrics scoreText(LoadedModel loaded, LoadedModel reference, PromptSet texts, int window, int stride,
            int batchSize, CaptureProgress progress, BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        LanguageModel referenceModel = reference == null ? null : reference.model();
        return TensorEngine.get().call(manager -> TextScorer.score(model, referenceModel, texts, window, stride,
                batchSize, progress, cancelled));
    }

    /** Scores a multiple-choice task; items after {@code cancelled} turns true are left out. */
    public ChoiceScorer.Result scoreChoices(LoadedModel loaded, ChoiceTask task, CaptureProgress progress,
            BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        return TensorEngine.get().call(manager -> ChoiceScorer.score(model, task, progress, cancelled));
    }

    /**
     * Measures the median prefill and greedy decode speed over three runs after a warm-up: the prompt is the
     * encoded text, cut so that {@code tokens} more tokens fit in the model's context.
     */
    public SpeedProbe.Speed measureSpeed(LoadedModel loaded, String text, int tokens) {
        LanguageModel model = loaded.model();
        TextTokenizer tokenizer = requireTokenizer(loaded);
        int[] encoded = tokenizer.encode(text);
        int context = model.config().maxPositionEmbeddings();
        if (tokens >= context) {
            throw new IllegalArgumentException("The speed test decodes " + tokens + " tokens but " + model.name()
                    + " reads at most " + context + "; lower the speed tokens.");
        }
        int[] prompt = Arrays.copyOf(encoded, Math.max(1, Math.min(encoded.length, context - tokens)));
        return TensorEngine.get().call(manager -> SpeedProbe.median(model, prompt, tokens, 3));
    }

    /**
     * Continues each prompt greedily and returns the continuations in prompt order. A prompt longer than the
     * context is cut to leave room for one new token.
     *
     * @param cancelled polled between tokens; the remaining prompts are skipped once it is true
     */
    public List<String> generateGreedy(LoadedModel loaded, List<String> prompts, int maxNewTokens,
            BooleanSupplier cancelled) {
        LanguageModel model = loaded.model();
        TextTokenizer tokenizer = requireTokenizer(loaded);
        int context = model.config().maxPositionEmbeddings();
        return TensorEngine.get().call(manager -> {
            List<String> texts = new ArrayList<>(prompts.size());
            for (String prompt : prompts) {
                if (cancelled.getAsBoolean()) {
                    break;
                }
                int[] ids = tokenizer.encode(prompt);
                int[] tokens = ids.length >= context ? Arrays.copyOf(ids, context - 1) : ids;
                texts.add(Generator.generate(model, tokens, GenerationOptions.greedy(maxNewTokens),
                        ActivationRecorder.NONE, cancelled).text());
            }
            return texts;
        });
    }

    private static TextTokenizer requireTokenizer(LoadedModel loaded) {
        ChoiceException.requireTokenizer(loaded, "the evaluation texts", EvaluationTask.UNTICK_OR_ADD_TOKENIZER);
        return loaded.model().tokenizer();
    }
}
