package dev.llmplatform.deployment;

import dev.llmplatform.kafka.PlatformKafkaAutoConfiguration;
import dev.llmplatform.topics.TopicSpec;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaAdmin;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Strimzi KafkaTopics in k8s/ against the topics the services create (Topics.ALL and their .DLT). */
class KafkaTopicsTest {

    /** What the services create at start-up: the source of truth for partitions and configs. */
    private static final List<NewTopic> CREATED_BY_SERVICES = createdByServices();

    /** The NewTopic beans of PlatformKafkaAutoConfiguration (NewTopics hides its list: read it reflectively). */
    @SuppressWarnings("unchecked")
    private static List<NewTopic> createdByServices() {
        try {
            KafkaAdmin.NewTopics beans = new PlatformKafkaAutoConfiguration().platformTopics();
            Method getter = KafkaAdmin.NewTopics.class.getDeclaredMethod("getNewTopics");
            getter.setAccessible(true);
            return List.copyOf((Collection<NewTopic>) getter.invoke(beans));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> kafkaTopics() {
        return KubernetesManifests.ofKind("KafkaTopic").stream().map(KubernetesManifests.Manifest::body).toList();
    }

    private static String clusterName() {
        return KubernetesManifests.ofKind("Kafka").getFirst().name();
    }

    @Test
    void shouldDeclareEveryTopicAndDeadLetterTopicAsItsKafkaTopic() {
        assertThat(TopicRules.violations(kafkaTopics(), CREATED_BY_SERVICES, clusterName())).isEmpty();
    }

    @Test
    void shouldMatchTopicsAllDirectly() {
        var byName = new java.util.HashMap<String, Map<String, Object>>();
        kafkaTopics().forEach(t -> byName.put(TopicRules.topicName(t), t));
        for (TopicSpec spec : Topics.ALL) {
            var topic = byName.get(spec.name());
            assertThat(topic).as("KafkaTopic " + spec.name()).isNotNull();
            assertThat(Yamls.text(topic, "spec", "partitions")).isEqualTo(String.valueOf(spec.partitions()));
            assertThat(Yamls.text(topic, "spec", "config", "retention.ms")).isEqualTo(String.valueOf(spec.retention().toMillis()));
            assertThat(Yamls.text(topic, "spec", "config", "cleanup.policy")).isEqualTo(spec.compacted() ? "compact" : "delete");
            assertThat(byName).as("KafkaTopic " + spec.deadLetter()).containsKey(spec.deadLetter());
        }
        assertThat(byName).hasSize(2 * Topics.ALL.size());
    }

    @Test
    void shouldRejectAMismatchedPartitionCount() {
        List<Map<String, Object>> topics = new ArrayList<>(WorkloadsTest.copy(kafkaTopics()));
        var events = topics.stream()
                .filter(t -> TopicRules.topicName(t).equals(Topics.GENERATION_EVENTS.name())).findFirst().orElseThrow();
        Yamls.map(events, "spec").put("partitions", Topics.GENERATION_EVENTS.partitions() + 1);

        assertThat(TopicRules.violations(topics, CREATED_BY_SERVICES, clusterName())).singleElement().asString()
                .isEqualTo("llm.generation.events: partitions should be 8, is 9");
    }

    @Test
    void shouldRejectAMissingOrStrayTopicAndAWrongCleanupPolicy() {
        List<Map<String, Object>> topics = new ArrayList<>(WorkloadsTest.copy(kafkaTopics()));
        topics.removeIf(t -> TopicRules.topicName(t).equals(Topics.TRAINING_JOBS.deadLetter()));
        topics.stream().filter(t -> TopicRules.topicName(t).equals(Topics.GENERATION_REQUESTS.name()))
                .forEach(t -> Yamls.map(t, "spec").put("topicName", "llm.not.in.topics"));
        topics.stream().filter(t -> TopicRules.topicName(t).equals(Topics.MODELS.name()))
                .forEach(t -> Yamls.map(t, "spec", "config").put("cleanup.policy", "delete"));

        assertThat(TopicRules.violations(topics, CREATED_BY_SERVICES, clusterName())).containsExactlyInAnyOrder(
                "llm.not.in.topics: KafkaTopic for a topic the services do not create (not in Topics.ALL)",
                Topics.GENERATION_REQUESTS.name() + ": no KafkaTopic",
                Topics.TRAINING_JOBS.deadLetter() + ": no KafkaTopic",
                Topics.MODELS.name() + ": cleanup.policy should be compact, is delete");
    }

    @Test
    void shouldRunKafkaInKraftModeOnANodePool() {
        var kafka = KubernetesManifests.ofKind("Kafka").getFirst().body();
        assertThat(Yamls.map(kafka, "metadata", "annotations")).containsEntry("strimzi.io/node-pools", "enabled");
        var pool = KubernetesManifests.ofKind("KafkaNodePool").getFirst().body();
        assertThat(Yamls.map(pool, "metadata", "labels")).containsEntry("strimzi.io/cluster", clusterName());
        assertThat((List<?>) Yamls.at(pool, "spec", "roles")).map(String::valueOf).contains("controller", "broker");
        int replicas = Integer.parseInt(Yamls.text(pool, "spec", "replicas"));
        assertThat(kafkaTopics()).allSatisfy(t ->
                assertThat(Integer.parseInt(Yamls.text(t, "spec", "replicas"))).isBetween(1, replicas));
    }

    @Test
    void shouldPointEveryServiceAtTheStrimziBootstrapService() {
        String bootstrap = clusterName() + "-kafka-bootstrap:9092";
        for (var workload : KubernetesManifests.workloads()) {
            var env = Yamls.maps(KubernetesManifests.containers(workload.body()).getFirst(), "env");
            assertThat(env).as(workload.toString()).anySatisfy(e -> {
                assertThat(Yamls.text(e, "name")).isEqualTo("KAFKA_BOOTSTRAP_SERVERS");
                assertThat(Yamls.text(e, "value")).isEqualTo(bootstrap);
            });
        }
    }
}
