package dev.topiary.ui.evaluation;

import dev.topiary.evaluation.ChoiceScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one evaluation run: a row per model in run order, the first being the baseline of the relative
 * figures.
 *
 * @param textSet the name of the text set perplexity was measured on
 * @param referenceName the reference model of KL and agreement, or null when there was none
 * @param taskNames the multiple-choice tasks, in the order of each row's task results
 * @param prompts the prompts of the greedy generations
 * @param modelsRequested how many models the run was asked to evaluate; more than the rows when it was cancelled
 */
public record EvaluationReport(String textSet, String referenceName, List<String> taskNames, List<String> prompts,
        List<EvaluationRow> rows, int modelsRequested) {

    public EvaluationReport {
        taskNames = List.copyOf(taskNames);
        prompts = List.copyOf(prompts);
        rows = List.copyOf(rows);
    }

    public boolean hasReference() {
        return referenceName != null;
    }

    public boolean isComplete() {
        return rows.size() == modelsRequested;
    }

    /** Returns a row's value divided by the first row's, or NaN when either is not a positive finite number. */
    public static double relative(double value, double first) {
        return Double.isFinite(value) && Double.isFinite(first) && first > 0 && value >= 0 ? value / first
                : Double.NaN;
    }

    /**
     * Returns the rows as the columns of {@code topiary eval}, for {@link dev.topiary.evaluation.ResultTable}:
     * KL and agreement only with a reference, speed only when measured, and perplexity and parameters relative
     * to the first model last.
     */
    public List<Map<String, Object>> tableRows() {
        List<Map<String, Object>> table = new ArrayList<>();
        EvaluationRow first = rows.get(0);
        for (EvaluationRow row : rows) {
            Map<String, Object> cells = new LinkedHashMap<>();
            cells.put("model", row.name());
            cells.put("source", row.source().toString());
            cells.put("parameters", row.parameters());
            cells.put("file_bytes", row.fileBytes());
            cells.put("tokens", row.text().tokens());
            cells.put("cross_entropy", row.text().meanCrossEntropy());
            cells.put("perplexity", row.text().perplexity());
            if (hasReference()) {
                cells.put("kl_to_reference", row.text().meanKl());
                cells.put("top1_agreement", row.text().topOneAgreement());
            }
            for (int i = 0; i < taskNames.size(); i++) {
                ChoiceScorer.Result result = row.tasks().get(i);
                cells.put(taskNames.get(i) + "_accuracy", result.accuracy());
                cells.put(taskNames.get(i) + "_accuracy_norm", result.normalizedAccuracy());
                cells.put(taskNames.get(i) + "_chance", result.chance());
            }
            if (first.speed() != null) {
                cells.put("prefill_tokens_per_second", row.speed().prefillTokensPerSecond());
                cells.put("decode_tokens_per_second", row.speed().decodeTokensPerSecond());
            }
            cells.put("perplexity_vs_first", relative(row.text().perplexity(), first.text().perplexity()));
            cells.put("parameters_vs_first", relative(row.parameters(), first.parameters()));
            table.add(cells);
        }
        return table;
    }
}
