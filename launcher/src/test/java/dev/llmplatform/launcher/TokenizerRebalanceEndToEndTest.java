package dev.llmplatform.launcher;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.gateway.generation.ReplyRouter;
import dev.llmplatform.gateway.limits.GenerationAdmission;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.tokenizer.TokenizerApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token step records carry many streams each, so a tokenizer that goes away in the middle of them must
 * lose and duplicate nothing of any: streams run while a second tokenizer instance joins the group and
 * the first one's consumers then leave it (two rebalances; after the second, every partition of the token topic,
 * the one the engine's step records go to included, has moved to the new instance, along with records
 * the first had read but not committed). Every stream's text must equal its text from a run of the same
 * greedy requests without the rebalance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerRebalanceEndToEndTest {

    private static final int PROMPTS = 16;
    private static final int CONCURRENT = 8;
    private static final int MAX_TOKENS = 96;
    /** Longer than any round of streams takes (a few seconds) and than the gateway's 120 s request timeout. */
    private static final java.time.Duration STREAM_LIMIT = java.time.Duration.ofSeconds(150);

    private PlatformUnderTest platform;
    private ConfigurableApplicationContext secondTokenizer;

    @BeforeAll
    void startPlatform() {
        // Debug for the reply path: what the router drops (an event for a request no longer waiting, a repeat), and
        // where each SSE response stood when its events ended and when it ended (StreamTrace), is what to see if a
        // stream ever stalls again (see runStreams).
        platform = PlatformUnderTest.start(null, Map.of("logging.level.dev.llmplatform.gateway.generation", "DEBUG",
                "logging.level.dev.llmplatform.gateway.serving.StreamTrace", "DEBUG"));
    }

    @AfterAll
    void stop() {
        if (secondTokenizer != null) {
            secondTokenizer.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingOfAnyStreamWhenTheTokenizerRebalancesInTheMiddle() throws Exception {
        Map<Integer, String> baseline = new ConcurrentHashMap<>();
        runStreams(IntStream.range(0, PROMPTS).boxed().toList(), (prompt, text) -> baseline.put(prompt, text), null, null);
        assertThat(baseline).hasSize(PROMPTS).allSatisfy((prompt, text) -> assertThat(text).isNotEmpty());

        // Streams keep starting, round after round of the same prompts, until both rebalances are over.
        AtomicBoolean rebalanced = new AtomicBoolean();
        AtomicInteger finished = new AtomicInteger();
        long[] firstClosedAt = {Long.MAX_VALUE};
        List<long[]> spans = new ArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        Map<Integer, List<String>> texts = new ConcurrentHashMap<>();
        Thread rebalance = Thread.ofPlatform().daemon().start(() -> {
            awaitFinished(finished, CONCURRENT);
            String bootstrap = platform.platform.bootstrapServers();
            secondTokenizer = TokenizerApplication.builder().run(platform.platform
                    .serviceArguments("tokenizer", 0, bootstrap).toArray(String[]::new));
            int joined = finished.get();
            awaitFinished(finished, joined + CONCURRENT);
            // Not between two rounds of streams (all ended, the next not begun): some must be running as it leaves.
            awaitInFlight(inFlight, CONCURRENT / 2);
            firstClosedAt[0] = System.nanoTime();
            // The first instance's consumers leave the group. (Closing its whole context here would also dispose
            // Reactor Netty's JVM-wide resources, which the gateway in this same JVM serves HTTP with.)
            platform.platform.context("tokenizer").getBean(KafkaListenerEndpointRegistry.class).stop();
            int left = finished.get();
            awaitFinished(finished, left + 2 * CONCURRENT);
            rebalanced.set(true);
        });
        int round = 0;
        while (!rebalanced.get() && round < 40) {
            runStreams(IntStream.range(0, PROMPTS).boxed().toList(), (prompt, text) -> {
                texts.computeIfAbsent(prompt, p -> new CopyOnWriteArrayList<>()).add(text);
                finished.incrementAndGet();
            }, spans, inFlight);
            round++;
        }
        rebalance.join();
        assertThat(rebalanced).as("both rebalances happened while streams ran").isTrue();

        assertThat(spans).as("some streams started before the first tokenizer left and ended after")
                .anyMatch(span -> span[0] < firstClosedAt[0] && span[1] > firstClosedAt[0]);
        assertThat(texts.keySet()).hasSize(PROMPTS);
        texts.forEach((prompt, seen) -> assertThat(seen).as("prompt " + prompt)
                .allSatisfy(text -> assertThat(text).isEqualTo(baseline.get(prompt))));
    }

    /** Waits until {@code count} streams have finished, at most three minutes (a failing run stops adding). */
    private static void awaitFinished(AtomicInteger finished, int count) {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while (finished.get() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits until at least {@code count} streams are running, at most a minute. */
    private static void awaitInFlight(AtomicInteger inFlight, int count) {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
        while (inFlight.get() < count && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    /**
     * Streams one greedy completion per prompt, {@link #CONCURRENT} at a time, each to {@code MAX_TOKENS} tokens;
     * {@code inFlight} (may be null) counts the streams running.
     */
    private void runStreams(List<Integer> prompts, BiConsumer<Integer, String> done, List<long[]> spans,
                            AtomicInteger inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int prompt : prompts) {
                futures.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    if (inFlight != null) {
                        inFlight.incrementAndGet();
                    }
                    String text;
                    try {
                        text = stream(prompt);
                    } finally {
                        if (inFlight != null) {
                            inFlight.decrementAndGet();
                        }
                    }
                    if (spans != null) {
                        synchronized (spans) {
                            spans.add(new long[] {start, System.nanoTime()});
                        }
                    }
                    done.accept(prompt, text);
                    return null;
                }));
            }
            // Bounded: a stream that never ends (seen once in CI, 2026-12-07: the server kept the response open
            // after the generation had ended, see issue 14's note) fails the test instead of hanging the build.
            long deadline = System.nanoTime() + STREAM_LIMIT.toNanos();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    var gateway = platform.platform.context("gateway");
                    System.err.println("stream of prompt " + prompts.get(i) + " stalled; its lines so far: "
                            + received.get(prompts.get(i)) + "\ngateway: requests waiting for replies "
                            + gateway.getBean(ReplyRouter.class).pendingCount() + ", generations admitted and not ended "
                            + gateway.getBean(GenerationAdmission.class).inFlight() + "\nsockets to the gateway (port "
                            + platform.platform.gatewayPort() + "):\n" + sockets() + threadDump());
                    throw new AssertionError("the stream of prompt " + prompts.get(i) + " did not end within "
                            + STREAM_LIMIT.toSeconds() + " s", e);
                }
            }
        } finally {
            pool.shutdownNow();   // interrupts a read still blocked on a stream that never ended
        }
    }

    /** The TCP sockets' queues ({@code ss -tn}): bytes a side has not read, or sent and not yet taken. */
    private static String sockets() {
        try {
            Process ss = new ProcessBuilder("ss", "-tn").redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ss.waitFor(5, TimeUnit.SECONDS);
            return out;
        } catch (java.io.IOException e) {
            return "(ss: " + e.getMessage() + ")\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Every thread's stack, for a stream that stalled. */
    private static String threadDump() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
            for (StackTraceElement frame : stack) {
                dump.append("    at ").append(frame).append('\n');
            }
        });
        return dump.toString();
    }

    /** The lines each prompt's latest stream has received so far (shown when a stream stalls). */
    private final Map<Integer, List<String>> received = new ConcurrentHashMap<>();

    /** One streamed completion's text; it must end with finish reason length and [DONE]. */
    private String stream(int prompt) throws Exception {
        String body = """
                {"model":"%s","prompt":"Once upon a time, story %d,","max_tokens":%d,"temperature":0,"stream":true,
                 "logit_bias":{"0":-100}}""".formatted(DefaultModels.DEFAULT_MODEL, prompt, MAX_TOKENS);
        HttpResponse<Stream<String>> response = platform.postStreaming("/v1/completions", body);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new CopyOnWriteArrayList<>();
        received.put(prompt, lines);
        response.body().filter(l -> !l.isBlank()).forEach(lines::add);
        assertThat(lines.getLast()).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String line : lines.subList(0, lines.size() - 1)) {
            JsonNode choice = Messages.mapper().readTree(line.substring(5).trim()).get("choices").get(0);
            text.append(choice.get("text").asString());
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asString();
            }
        }
        assertThat(finish).as("prompt " + prompt + " finish reason").isEqualTo("length");
        return text.toString();
    }
}
