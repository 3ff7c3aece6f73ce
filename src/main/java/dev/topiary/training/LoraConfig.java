package dev.topiary.training;

import dev.topiary.model.Projection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * LoRA adapters: each targeted projection {@code W} of every layer computes {@code W x + scale * B (A dropout(x))}
 * with {@code A} [r, in], {@code B} [out, r] and {@code scale = alpha / r}, as PEFT's LoRA layers do without rsLoRA.
 *
 * @param rank r, the inner width of each adapter
 * @param alpha the scaling numerator, PEFT's {@code lora_alpha}
 * @param dropout the dropout probability on the adapter's input during training
 * @param targets the projections that get adapters, in declaration order
 */
public record LoraConfig(int rank, double alpha, double dropout, List<Projection> targets) {

    public LoraConfig {
        if (rank < 1) {
            throw new IllegalArgumentException("The LoRA rank must be 1 or more, got " + rank + ".");
        }
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("LoRA alpha must be positive, got " + alpha + ".");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout + ".");
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("LoRA needs at least one target projection, such as q_proj,v_proj.");
        }
        Set<Projection> sorted = EnumSet.copyOf(targets);
        targets = List.copyOf(sorted);
    }

    /** Returns the defaults: r = 8, alpha = 16 and dropout 0.05 on q_proj and v_proj. */
    public static LoraConfig defaults() {
        return new LoraConfig(8, 16, 0.05, List.of(Projection.Q_PROJ, Projection.V_PROJ));
    }

    /** Returns {@code alpha / rank}, the factor on every adapter's output. */
    public double scale() {
        return alpha / rank;
    }
}
