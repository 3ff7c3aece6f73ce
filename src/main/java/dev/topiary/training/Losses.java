package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import dev.topiary.engine.Scalars;
import java.util.List;

/**
 * The loss functions of training, each returning the mean over every position of the batch as a scalar array.
 * Constant factors are {@link Scalars} arrays, because DJL's {@code div(Number)} breaks the backward pass.
 */
final class Losses {

    private static final float COSINE_EPSILON = 1e-8f;

    private Losses() {}

    /**
     * Returns the mean next-token cross-entropy.
     *
     * @param logits [B, T, V]
     * @param targets [B, T, 1] int64 ids of the next tokens
     */
    static NDArray crossEntropy(NDArray logits, NDArray targets) {
        return logits.logSoftmax(2).gather(targets, 2).neg().mean(); // [B, T, 1] -> []
    }

    /**
     * Returns the mean {@code KL(teacher || student)} over positions, with both distributions softened by the
     * temperature: {@code sum_v p_t(v) (log p_t(v) - log p_s(v))}.
     *
     * @param studentLogits [B, T, V]
     * @param teacherLogits [B, T, V], outside the graph
     */
    static NDArray klDivergence(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        NDArray divisor = Scalars.of(studentLogits.getManager(), temperature);
        NDArray teacherLog = teacherLogits.div(divisor).logSoftmax(2); // [B, T, V]
        NDArray studentLog = studentLogits.div(divisor).logSoftmax(2); // [B, T, V]
        return teacherLog.exp().mul(teacherLog.sub(studentLog)).sum(new int[] {2}).mean(); // [B, T] -> []
    }

    /**
     * Returns the mean alignment loss of residual streams over layer pairs and positions.
     *
     * @param student per pair, the student's residual stream [B, T, D]
     * @param teacher per pair, the teacher's residual stream [B, T, D], outside the graph
     */
    static NDArray hiddenLoss(List<NDArray> student, List<NDArray> teacher, DistillationConfig.HiddenLoss kind) {
        NDArray total = null;
        for (int pair = 0; pair < student.size(); pair++) {
            NDArray term = switch (kind) {
                case COSINE -> cosineDistance(student.get(pair), teacher.get(pair));
                case MSE -> student.get(pair).sub(teacher.get(pair)).square().mean();
            };
            total = total == null ? term : total.add(term);
        }
        return total.div(Scalars.of(total.getManager(), student.size()));
    }

    /** Returns the mean of {@code 1 - cos(a, b)} over positions, for [B, T, D] arrays. */
    private static NDArray cosineDistance(NDArray a, NDArray b) {
        NDArray dot = a.mul(b).sum(new int[] {2}); // [B, T]
        NDArray norms = a.square().sum(new int[] {2}).mul(b.square().sum(new int[] {2})).sqrt(); // [B, T]
        return dot.div(norms.maximum(Scalars.of(norms.getManager(), COSINE_EPSILON))).neg().add(1f).mean();
    }
}
