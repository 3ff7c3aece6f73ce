package dev.topiary.training;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a run.
 *
 * @param state {@link RunState#COMPLETED} or {@link RunState#CANCELLED}
 * @param stepsDone the optimizer steps taken, counting those before a resume
 * @param lastLoss the training loss of the last step, or NaN when no step ran
 * @param firstEvaluation the evaluation before training or at the first evaluated step of this session, or null
 * @param lastEvaluation the last evaluation, or null
 * @param folder the run folder
 * @param metricsFile the metrics JSONL file
 * @param lastCheckpoint the newest checkpoint folder, or null
 * @param exported the folders the model or adapter was written to, empty unless completed
 */
public record RunResult(RunState state, int stepsDone, double lastLoss, Evaluation firstEvaluation,
        Evaluation lastEvaluation, Path folder, Path metricsFile, Path lastCheckpoint, List<Path> exported) {

    public RunResult {
        exported = List.copyOf(exported);
    }
}
