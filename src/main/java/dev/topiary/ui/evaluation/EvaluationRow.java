package dev.topiary.ui.evaluation;

import dev.topiary.evaluation.ChoiceScorer;
import dev.topiary.evaluation.SpeedProbe;
import dev.topiary.evaluation.TextMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * The results of one model.
 *
 * @param fileBytes bytes of its weights on disk
 * @param text perplexity, and KL and top-1 agreement when there was a reference
 * @param tasks one result per task, in the order of the report's task names
 * @param speed prefill and decode tokens per second, or null when speed was not measured
 * @param generations one greedy continuation per prompt of the report
 */
public record EvaluationRow(String name, Path source, long parameters, long fileBytes, TextMetrics text,
        List<ChoiceScorer.Result> tasks, SpeedProbe.Speed speed, List<String> generations) {

    public EvaluationRow {
        tasks = List.copyOf(tasks);
        generations = List.copyOf(generations);
    }
}
