package dev.llmplatform.constraint;

/**
 * A constraint that cannot be compiled: an invalid schema or regular expression, a keyword or construct the
 * compiler does not handle, or one too large. The message names what was refused; {@link #param()} names the
 * request parameter it came from when the caller set it.
 */
public final class ConstraintException extends RuntimeException {

    private final String param;

    public ConstraintException(String message) {
        this(message, null);
    }

    public ConstraintException(String message, String param) {
        super(message);
        this.param = param;
    }

    /** The request parameter (e.g. {@code response_format}) or null. */
    public String param() {
        return param;
    }

    /** The same refusal, naming the request parameter. */
    public ConstraintException withParam(String requestParam) {
        return new ConstraintException(getMessage(), requestParam);
    }
}
