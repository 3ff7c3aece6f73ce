package dev.topiary.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, updating parameter arrays in place, in the order of operations of PyTorch's
 * {@code torch.optim.AdamW} (single-tensor, no amsgrad): decay the weight by {@code 1 - lr * wd}, update the
 * moments, then step by {@code lr / (1 - beta1^t)} times {@code m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}. Its
 * moments live in the optimizer's own manager so a checkpoint can save and restore them. Call on the engine
 * thread, outside any gradient collector.
 */
final class AdamW implements AutoCloseable {

    private final TrainingConfig config;
    private final Map<String, NDArray> parameters;
    private final NDManager manager;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private int step;

    AdamW(TrainingConfig config, Map<String, NDArray> parameters, NDManager parent) {
        this.config = config;
        this.parameters = parameters;
        this.manager = parent.newSubManager();
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            NDArray m = manager.zeros(entry.getValue().getShape(), entry.getValue().getDataType());
            NDArray v = manager.zeros(entry.getValue().getShape(), entry.getValue().getDataType());
            NDScope.unregister(m, v);
            firstMoments.put(entry.getKey(), m);
            secondMoments.put(entry.getKey(), v);
        }
    }

    /**
     * Returns the global L2 norm of every parameter's gradient, as one value copied to the host.
     */
    double gradientNorm() {
        try (NDScope scope = new NDScope()) {
            NDArray total = null;
            for (NDArray parameter : parameters.values()) {
                NDArray squares = parameter.getGradient().square().sum();
                total = total == null ? squares : total.add(squares);
            }
            return Math.sqrt(total.getFloat());
        }
    }

    /** Returns the names of parameters whose gradient contains a value that is not finite, for error messages. */
    java.util.List<String> nonFiniteGradients() {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
                if (!Float.isFinite(entry.getValue().getGradient().abs().sum().getFloat())) {
                    names.add(entry.getKey());
                }
            }
        }
        return names;
    }

    /**
     * Applies one update with the gradients the parameters hold, multiplied by {@code gradientScale} (below 1 when
     * clipping), then zeroes the gradients for the next step.
     */
    void update(double learningRate, double gradientScale) {
        step++;
        double beta1 = config.beta1();
        double beta2 = config.beta2();
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Root = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (learningRate / biasCorrection1);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            try (NDScope scope = new NDScope()) {
                NDArray weight = entry.getValue();
                NDArray gradient = weight.getGradient();
                if (gradientScale != 1.0) {
                    gradient = gradient.mul((float) gradientScale);
                }
                if (decays(weight) && config.weightDecay() > 0) {
                    weight.muli((float) (1 - learningRate * config.weightDecay()));
                }
                NDArray m = firstMoments.get(entry.getKey());
                NDArray v = secondMoments.get(entry.getKey());
                m.muli((float) beta1).addi(gradient.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(gradient.square().mul((float) (1 - beta2)));
                NDArray denominator = v.sqrt().div((float) biasCorrection2Root).add((float) config.epsilon());
                weight.subi(m.div(denominator).mul(stepSize));
            }
        }
        zeroGradients();
    }

    /** Zeroes every parameter's gradient; PyTorch adds each backward pass's gradients to what is there. */
    void zeroGradients() {
        for (NDArray parameter : parameters.values()) {
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }

    /** Weight decay applies to matrices only: norms and biases keep their scale, as in common LLM recipes. */
    private static boolean decays(NDArray weight) {
        return weight.getShape().dimension() >= 2;
    }

    /** Returns the number of updates applied, t in the bias corrections. */
    int step() {
        return step;
    }

    Map<String, NDArray> firstMoments() {
        return firstMoments;
    }

    Map<String, NDArray> secondMoments() {
        return secondMoments;
    }

    /** Restores the moments and the update count saved by a checkpoint. */
    void restore(int savedStep, Map<String, float[]> first, Map<String, float[]> second) {
        for (String name : parameters.keySet()) {
            copyInto(firstMoments.get(name), first.get(name), "m/" + name);
            copyInto(secondMoments.get(name), second.get(name), "v/" + name);
        }
        step = savedStep;
    }

    static void copyInto(NDArray target, float[] values, String name) {
        if (values == null) {
            throw new IllegalArgumentException("The checkpoint has no tensor '" + name + "'.");
        }
        if (values.length != target.size()) {
            throw new IllegalArgumentException("The checkpoint's tensor '" + name + "' has " + values.length
                    + " values but the model's has " + target.size() + " (shape " + target.getShape() + ").");
        }
        // Copied through a temporary array and an indexed put rather than NDArray.set(Buffer), because DJL 0.33's
        // native set uses PyTorch's deprecated AutoNonVariableTypeMode, which prints a long warning on stderr.
        try (NDManager scratch = target.getManager().newSubManager()) {
            target.set(new NDIndex("..."), scratch.create(values, target.getShape()));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
