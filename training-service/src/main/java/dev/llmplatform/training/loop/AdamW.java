package dev.llmplatform.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.llmplatform.training.model.LlamaModel;
import dev.llmplatform.training.model.ParameterLayout;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW as PyTorch defines it (decoupled weight decay, bias-corrected moments), written out in
 * NDArray operations because DJL's native Adam clips gradients only from above and cannot clip
 * by global norm. Weight decay applies to matrices only, not to norm weights.
 *
 * <p>Runs with gradients off (see {@code TorchRuntime.disableGradientsOnThisThread}), after the
 * step that produced the gradients has closed; updates parameters and moments in place.
 */
public final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final TrainingConfig settings;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private int updates;

    /** Zero moments for every parameter of the model; {@code settings} supplies betas, epsilon, decay. */
    public AdamW(LlamaModel model, TrainingConfig settings) {
        this(model, settings, OptimizerState.empty());
    }

    /** Moments restored from a checkpoint (any missing ones start at zero). */
    public AdamW(LlamaModel model, TrainingConfig settings, OptimizerState state) {
        this.settings = settings;
        this.manager = model.newSubManager();
        this.updates = state.updates();
        model.parameters().forEach((name, parameter) -> {
            firstMoments.put(name, restore(state.firstMoments().get(name), parameter));
            secondMoments.put(name, restore(state.secondMoments().get(name), parameter));
        });
    }

    /**
     * Scales all gradients so their global L2 norm is at most {@code clipNorm}, applies one update at
     * {@code learningRate} and zeroes the gradients for the next step.
     *
     * @return the global gradient norm before clipping
     */
    public double update(LlamaModel model, double learningRate, double clipNorm) {
        try (NDManager scope = model.newStep()) {
            firstMoments.values().forEach(m -> m.tempAttach(scope));
            secondMoments.values().forEach(v -> v.tempAttach(scope));
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            model.parameters().forEach((name, parameter) -> gradients.put(name, parameter.getGradient()));

            double norm = globalNorm(scope, gradients);
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException("gradient norm is " + norm);
            }
            updates++;
            double correction1 = 1 - Math.pow(settings.beta1(), updates);
            double correction2 = 1 - Math.pow(settings.beta2(), updates);
            NDArray clip = scalar(scope, norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0);
            NDArray beta1 = scalar(scope, settings.beta1());
            NDArray oneMinusBeta1 = scalar(scope, 1 - settings.beta1());
            NDArray beta2 = scalar(scope, settings.beta2());
            NDArray oneMinusBeta2 = scalar(scope, 1 - settings.beta2());
            NDArray decay = scalar(scope, 1 - learningRate * settings.weightDecay());
            NDArray stepSize = scalar(scope, learningRate / correction1);
            NDArray sqrtCorrection2 = scalar(scope, Math.sqrt(correction2));
            NDArray epsilon = scalar(scope, settings.epsilon());

            model.parameters().forEach((name, parameter) -> {
                NDArray gradient = gradients.get(name).mul(clip);
                NDArray m = firstMoments.get(name).muli(beta1).addi(gradient.mul(oneMinusBeta1));
                NDArray v = secondMoments.get(name).muli(beta2).addi(gradient.square().muli(oneMinusBeta2));
                if (ParameterLayout.isMatrix(parameter.getShape().getShape())) {
                    parameter.muli(decay);
                }
                NDArray denominator = v.sqrt().divi(sqrtCorrection2).addi(epsilon);
                parameter.subi(m.mul(stepSize).divi(denominator));
                gradients.get(name).subi(gradients.get(name));
            });
            return norm;
        }
    }

    /** Moments and update count as plain arrays, for a checkpoint. */
    public OptimizerState state() {
        Map<String, float[]> first = new LinkedHashMap<>();
        Map<String, float[]> second = new LinkedHashMap<>();
        firstMoments.forEach((name, m) -> first.put(name, m.toFloatArray()));
        secondMoments.forEach((name, v) -> second.put(name, v.toFloatArray()));
        return new OptimizerState(updates, first, second);
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray restore(float[] values, NDArray parameter) {
        NDArray moment = values == null
                ? manager.zeros(parameter.getShape())
                : manager.create(values, parameter.getShape());
        if (moment.size() != parameter.size()) {
            throw new IllegalArgumentException("moment of " + parameter.getName() + " has the wrong size");
        }
        return moment;
    }

    private static double globalNorm(NDManager scope, Map<String, NDArray> gradients) {
        NDArray sumOfSquares = scope.zeros(new Shape());
        for (NDArray gradient : gradients.values()) {
            sumOfSquares = sumOfSquares.add(gradient.square().sum());
        }
        return Math.sqrt(sumOfSquares.getFloat());
    }

    private static NDArray scalar(NDManager scope, double value) {
        return scope.create((float) value);
    }
}
