package dev.llmplatform.launcher.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a fault scenario counted against the undisturbed run: requests sent, completed with the same text,
 * failed with a clear error, lost (no answer, an answer cut off, or a different text) and repeated (an answer
 * longer than it should be, or a batch result kept twice); streams the fault delayed and by how much.
 */
record Tally(String scenario, int sent, int completed, int failedClearly, List<String> errorCodes, int droppedWithGateway,
             List<String> lost,
             List<String> duplicated,
             int batchSent, int batchResults, int batchRepeatsDropped, int affectedStreams, double p50AddedMs,
             double p99AddedMs, boolean cancelledStreamStarted) {

    /** A stream counts as affected when its longest wait between chunks grew by more than this. */
    static final double AFFECTED_MS = 1_000;

    static Tally of(String scenario, MixedLoad.Outcome reference, MixedLoad.Outcome outcome) {
        return of(scenario, reference, outcome, false, i -> false);
    }

    static Tally of(String scenario, MixedLoad.Outcome reference, MixedLoad.Outcome outcome, boolean batchErrorsAllowed) {
        return of(scenario, reference, outcome, batchErrorsAllowed, i -> false);
    }

    /** @param batchErrorsAllowed a batch result may be a {@code failed} record with a clear error (the broker went away) */
    /**
     * @param onDeadGateway requests whose connection went down with their gateway: a dropped connection is
     *                      counted for them, not lost (the client retries; nothing else can reach it)
     */
    static Tally of(String scenario, MixedLoad.Outcome reference, MixedLoad.Outcome outcome, boolean batchErrorsAllowed,
                    java.util.function.IntPredicate onDeadGateway) {
        int completed = 0;
        int dropped = 0;
        List<String> codes = new ArrayList<>();
        int failedClearly = 0;
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<Double> added = new ArrayList<>();
        for (int i = 0; i < MixedLoad.HTTP_REQUESTS; i++) {
            MixedLoad.Answer expected = reference.answers().get(i);
            MixedLoad.Answer answer = outcome.answers().get(i);
            if (answer == null) {
                lost.add(i + ": no answer within the load's timeout");
                continue;
            }
            if (answer.errorCode() != null && answer.errorCode().startsWith("connection") && onDeadGateway.test(i)) {
                dropped++;
                continue;
            }
            if (answer.errorCode() != null) {
                if (answer.complete() && !answer.errorCode().startsWith("connection")) {
                    failedClearly++;
                    codes.add(answer.errorCode());
                    // What it showed before the error must still be a prefix of the right text.
                    answer.texts().forEach((choice, text) -> {
                        if (!expected.texts().getOrDefault(choice, "").startsWith(text)) {
                            lost.add(answer.index() + "/" + choice + ": text before the error differs: '" + text + "'");
                        }
                    });
                } else {
                    lost.add(answer.index() + ": " + answer.errorCode());
                }
                continue;
            }
            if (!answer.complete()) {
                lost.add(i + ": stream ended without [DONE]");
                continue;
            }
            boolean same = true;
            for (Map.Entry<Integer, String> e : expected.texts().entrySet()) {
                String text = answer.texts().getOrDefault(e.getKey(), "");
                if (!text.equals(e.getValue())) {
                    same = false;
                    (text.length() > e.getValue().length() ? duplicated : lost).add(i + "/" + e.getKey()
                            + ": expected '" + e.getValue() + "' got '" + text + "'");
                }
            }
            if (same) {
                completed++;
            }
            if (answer.stream()) {
                double extra = answer.maxGapMs(outcome.starts().get(i)) - expected.maxGapMs(reference.starts().get(i));
                if (extra > AFFECTED_MS) {
                    added.add(extra);
                }
            }
        }
        int[] batchFailed = {0};
        reference.batchTexts().forEach((key, text) -> {
            String got = outcome.batchTexts().get(key);
            if (got == null) {
                lost.add(key + ": no batch result");
            } else if (batchErrorsAllowed && got.startsWith("failed: ")) {
                batchFailed[0]++;
                codes.add("batch " + got);
            } else if (!got.equals(text)) {
                lost.add(key + ": batch result '" + got + "', expected '" + text + "'");
            }
        });
        added.sort(Double::compare);
        return new Tally(scenario, MixedLoad.HTTP_REQUESTS, completed, failedClearly + batchFailed[0], codes, dropped, lost, duplicated,
                MixedLoad.BATCH_REQUESTS, outcome.batchTexts().size(), outcome.batchDuplicates(), added.size(),
                percentile(added, 0.5), percentile(added, 0.99), outcome.cancelledStreamStarted());
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    String report() {
        return String.format("%s: HTTP sent %d, completed identical %d, failed with a clear error %d %s, "
                        + "connection dropped with its gateway %d, lost %d, duplicated %d; "
                        + "batch sent %d, results %d (repeats dropped by request id: %d); streams delayed by the fault %d, "
                        + "added latency p50 %.0f ms, p99 %.0f ms; dropped-client stream %s",
                scenario, sent, completed, failedClearly, errorCodes, droppedWithGateway, lost.size(), duplicated.size(), batchSent, batchResults,
                batchRepeatsDropped, affectedStreams, p50AddedMs, p99AddedMs, cancelledStreamStarted ? "started and dropped" : "never started");
    }

    void assertNothingLostOrRepeated() {
        assertThat(lost).as(report()).isEmpty();
        assertThat(duplicated).as(report()).isEmpty();
        assertThat(completed + failedClearly + droppedWithGateway).as(report()).isGreaterThanOrEqualTo(sent);
        assertThat(batchResults).as(report()).isEqualTo(batchSent);
        assertThat(cancelledStreamStarted).as("the dropped client's stream had started").isTrue();
    }
}
