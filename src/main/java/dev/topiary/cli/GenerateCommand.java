package dev.topiary.cli;

import dev.topiary.activations.ActivationRecorder;
import dev.topiary.engine.TensorEngine;
import dev.topiary.model.GenerationOptions;
import dev.topiary.model.GenerationResult;
import dev.topiary.model.Generator;
import dev.topiary.model.LanguageModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary generate}: continue a prompt. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with greedy decoding (temperature 0) or sampling.")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ComputeOptions compute;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt text; empty starts from BOS alone.")
    String prompt;

    @Option(names = "--prompt-ids", split = ",", paramLabel = "ID",
            description = "The prompt as comma-separated token ids, used as given (no BOS added). For models "
                    + "without a tokenizer.")
    List<Integer> promptIds;

    @Option(names = "--max-tokens", defaultValue = "64", description = "The maximum number of new tokens (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0",
            description = "0 for greedy decoding, otherwise the sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0",
            description = "Nucleus sampling: sample from the most likely tokens up to this probability mass "
                    + "(default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", description = "The random seed for sampling (default: a new one, printed with --json).")
    Long seed;

    @Option(names = "--json", description = "Print one JSON object with token ids, text and timings.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((prompt == null) == (promptIds == null)) {
            throw new IllegalArgumentException("Give exactly one of --prompt TEXT or --prompt-ids 1,2,3.");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("--max-tokens must be 0 or more, got " + maxTokens + ".");
        }
        if (!Double.isFinite(temperature) || temperature < 0) {
            throw new IllegalArgumentException("--temperature must be 0 (greedy) or a positive number, got "
                    + temperature + ".");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be above 0 and at most 1, got " + topP + ".");
        }
        long usedSeed = seed != null ? seed : System.nanoTime();
        GenerationOptions options = new GenerationOptions(maxTokens, temperature, topP, usedSeed);
        TensorEngine engine = compute.engine(modelOptions.resolved());
        try (LanguageModel model = LanguageModel.load(engine, modelOptions.path(), modelOptions.tokenizer(),
                compute.dtype(modelOptions.resolved()))) {
            int[] tokens = promptTokens(model);
            GenerationResult result = engine.call(manager ->
                    Generator.generate(model, tokens, options, ActivationRecorder.NONE, () -> false));
            print(result, usedSeed);
            return 0;
        }
    }

    private int[] promptTokens(LanguageModel model) {
        if (promptIds != null) {
            return promptIds.stream().mapToInt(Integer::intValue).toArray();
        }
        if (model.tokenizer() == null) {
            throw new IllegalArgumentException(modelOptions.model + " has no tokenizer (tokenizer.json in a model "
                    + "folder, or tokenizer.bin / tok<vocab>.bin beside a llama2.c file), so --prompt cannot be encoded. "
                    + "Pass the tokenizer with --tokenizer, or give the prompt as token ids with --prompt-ids.");
        }
        return model.tokenizer().encode(prompt);
    }

    private void print(GenerationResult result, long usedSeed) {
        if (!json) {
            spec.commandLine().getOut().println((prompt == null ? "" : prompt) + result.text());
            return;
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("prompt", prompt);
        output.put("prompt_tokens", result.promptTokens());
        output.put("generated_tokens", result.generatedTokens());
        output.put("text", result.text());
        output.put("stopped_at_end_token", result.stoppedAtEndToken());
        output.put("stop_reason", result.stopReason().name().toLowerCase(java.util.Locale.ROOT));
        output.put("temperature", temperature);
        output.put("top_p", topP);
        output.put("seed", temperature == 0 ? null : usedSeed);
        output.put("prefill_ms", result.prefillNanos() / 1e6);
        output.put("decode_tokens_per_second", result.decodeTokensPerSecond());
        spec.commandLine().getOut().println(Json.write(output));
    }

    @Override
    public String toString() {
        return "generate " + Arrays.toString(new Object[] {prompt, promptIds});
    }
}
