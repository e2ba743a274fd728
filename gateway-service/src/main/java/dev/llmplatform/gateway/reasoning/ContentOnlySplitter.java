package dev.llmplatform.gateway.reasoning;

/** No reasoning parser: every character is answer. */
final class ContentOnlySplitter implements ReasoningSplitter {

    @Override
    public Split accept(String delta) {
        return delta == null || delta.isEmpty() ? Split.EMPTY : new Split("", delta);
    }

    @Override
    public Split finish() {
        return Split.EMPTY;
    }

    @Override
    public boolean answering() {
        return true;
    }
}
