package dev.llmplatform.training.loop;

/** The loss or the gradients stopped being finite; the run cannot continue from this state. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
