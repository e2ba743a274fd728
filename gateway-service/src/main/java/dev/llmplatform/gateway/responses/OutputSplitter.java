package dev.llmplatform.gateway.responses;

/**
 * Splits a generation's text into a thinking model's reasoning and its answer, a delta at a time;
 * text a splitter holds back (a possible start of a tag) comes out of a later call or {@link #finish()}.
 */
interface OutputSplitter {

    /** @param reasoning new reasoning text, else "" ; @param content new answer text, else "" */
    record Part(String reasoning, String content) {
        static final Part NONE = new Part("", "");
    }

    Part accept(String delta);

    /** What was held back, once the generation ended. */
    Part finish();

    /** True when the output may hold reasoning, so the answer's message opens only once its text begins. */
    boolean mayReason();

    /** For a model without a reasoning parser: everything is the answer. */
    static OutputSplitter answerOnly() {
        return new OutputSplitter() {
            @Override
            public Part accept(String delta) {
                return new Part("", delta);
            }

            @Override
            public Part finish() {
                return Part.NONE;
            }

            @Override
            public boolean mayReason() {
                return false;
            }
        };
    }
}
