package dev.llmplatform.topics;

import dev.llmplatform.contracts.AnalysisRequest;
import dev.llmplatform.contracts.ControlMessage;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Heartbeat;
import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenizerRequest;
import dev.llmplatform.contracts.TrainingEvent;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.binary.StepCodecTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every topic's codec writes and reads a value of its own type, and reads anything else as poison. A
 * {@link Sample} pairs a topic with a value of its type, so a sample of the wrong type (say a
 * {@code TrainingJob} for {@link Topics#MODELS}) does not compile: the typing this test relies on.
 */
class TypedTopicsTest {

    private static final ReplyTo REPLY = new ReplyTo(Topics.GENERATION_EVENTS_NAME, 2);

    record Sample<V>(Topic<V> topic, V value) {

        byte[] encoded() {
            return topic.encodeBytes(value);
        }
    }

    static List<Sample<?>> samples() {
        return List.of(
                new Sample<>(Topics.GENERATION_REQUESTS, Topics.GENERATION_REQUESTS.decode("""
                        {"schemaVersion":1,"requestId":"job-1","model":"starter","prompt":"Once","maxTokens":8,
                         "stream":false,"createdEpochMs":0,"deadlineEpochMs":0,"replyTo":{"topic":"batch-results","partition":0}}""")),
                new Sample<>(Topics.INFERENCE_REQUESTS, Topics.INFERENCE_REQUESTS.decode("""
                        {"schemaVersion":1,"requestId":"r1","model":"starter","version":"1","promptTokenIds":[5,6],
                         "maxTokens":4,"stopTokenIds":[],"deadlineEpochMs":0,"createdEpochMs":0,
                         "decode":{"model":"starter","version":"1","replyTo":{"topic":"t","partition":0},"stop":[],"stream":true,
                         "contextTokens":0,"promptTokens":2}}""")),
                new Sample<>(Topics.INFERENCE_TOKENS, StepCodecTest.tokenStep()),
                new Sample<>(Topics.GENERATION_EVENTS, new GenerationEvent.Detokenized(1, "r1", "héllo 世界🙂")),
                new Sample<>(Topics.GENERATION_EVENT_STEPS, StepCodecTest.replyStep()),
                new Sample<>(Topics.GENERATION_CONTROL, ControlMessage.Cancel.of("r1", ControlMessage.Reason.CLIENT)),
                new Sample<>(Topics.TOKENIZER_REQUESTS, new TokenizerRequest.Embed(1, "r1", "minilm", List.of("a", "b"), 99L, REPLY)),
                new Sample<>(Topics.TRAINING_JOBS, new TrainingJob.CancelJob(1, "j1")),
                new Sample<>(Topics.TRAINING_EVENTS, new TrainingEvent(1, "j1", TrainingEvent.Status.RUNNING, 3, 10, 2.5, 2.7,
                        100, 1e-3, "step", null, 7L)),
                new Sample<>(Topics.MODELS, new ModelEvent(2, "starter", "1", "causal-lm", 1000, 128, 2.5, "j1", 7L,
                        ModelEvent.State.READY, null, null, "gpt2", "safetensors", "fp32", false, null)),
                new Sample<>(Topics.INFERENCE_ANALYSIS, new AnalysisRequest.Attend(1, "r2", "starter", "1", List.of(5, 6),
                        List.of("he", "llo"), 0, REPLY)),
                new Sample<>(Topics.HEARTBEATS, new Heartbeat(Heartbeat.CURRENT_VERSION, "gateway-1", 1, 7L)));
    }

    @Test
    void shouldRoundTripASampleOfEveryTopicsTypeThroughItsCodec() {
        Set<Topic<?>> covered = new HashSet<>();
        for (Sample<?> sample : samples()) {
            Object decoded = sample.topic().decode(sample.encoded());

            assertThat(decoded).as("%s", sample.topic()).isInstanceOf(sample.topic().valueType());
            // Re-encoding what was read gives the same bytes (values with arrays have no useful equals).
            assertThat(reencode(sample.topic(), decoded)).as("%s", sample.topic()).isEqualTo(sample.encoded());
            covered.add(sample.topic());
        }
        assertThat(covered).containsAll(Topics.ALL).contains(Topics.GENERATION_EVENT_STEPS);
    }

    @Test
    void shouldReadGarbageOnEveryTopicAsPoison() {
        List<Topic<?>> topics = new ArrayList<>(Topics.ALL);
        topics.add(Topics.GENERATION_EVENT_STEPS);
        List<byte[]> garbage = List.of(new byte[]{0x00, 0x7f, 0x01}, new byte[]{0x00}, "{\"schemaVersion\":1".getBytes(
                StandardCharsets.UTF_8), "[1,2]".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xC3, 0x28});
        for (Topic<?> topic : topics) {
            for (byte[] record : garbage) {
                assertThatThrownBy(() -> topic.decode(record)).as("%s", topic).isInstanceOf(PoisonMessageException.class);
            }
        }
    }

    @Test
    void shouldReadTheOtherKindOfRecordOnTheRepliesTopicAsPoison() {
        byte[] step = Topics.GENERATION_EVENT_STEPS.encode(StepCodecTest.replyStep());
        String json = Topics.GENERATION_EVENTS.encode(new GenerationEvent.Detokenized(1, "r1", "x"));

        assertThatThrownBy(() -> Topics.GENERATION_EVENTS.decode(step)).isInstanceOf(PoisonMessageException.class);
        assertThatThrownBy(() -> Topics.GENERATION_EVENT_STEPS.decode(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(PoisonMessageException.class);
        assertThat(Topics.GENERATION_EVENT_STEPS.name()).isEqualTo(Topics.GENERATION_EVENTS.name());
    }

    @Test
    void shouldNameEveryTopicByTheConstantAnnotationsUse() {
        assertThat(List.of(Topics.GENERATION_REQUESTS.name(), Topics.INFERENCE_REQUESTS.name(), Topics.INFERENCE_TOKENS.name(),
                Topics.GENERATION_EVENTS.name(), Topics.INFERENCE_ANALYSIS.name(), Topics.GENERATION_CONTROL.name(),
                Topics.TOKENIZER_REQUESTS.name(), Topics.TRAINING_JOBS.name(), Topics.TRAINING_EVENTS.name(), Topics.MODELS.name(),
                Topics.HEARTBEATS.name()))
                .containsExactly(Topics.GENERATION_REQUESTS_NAME, Topics.INFERENCE_REQUESTS_NAME, Topics.INFERENCE_TOKENS_NAME,
                        Topics.GENERATION_EVENTS_NAME, Topics.INFERENCE_ANALYSIS_NAME, Topics.GENERATION_CONTROL_NAME,
                        Topics.TOKENIZER_REQUESTS_NAME, Topics.TRAINING_JOBS_NAME, Topics.TRAINING_EVENTS_NAME, Topics.MODELS_NAME,
                        Topics.HEARTBEATS_NAME);
        assertThat(Topics.ALL.stream().map(Topic::name).distinct()).hasSameSizeAs(Topics.ALL);
    }

    private static <V> byte[] reencode(Topic<V> topic, Object decoded) {
        return topic.encodeBytes(topic.valueType().cast(decoded));
    }
}
