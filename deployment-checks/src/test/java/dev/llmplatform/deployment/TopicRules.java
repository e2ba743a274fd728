package dev.llmplatform.deployment;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Strimzi {@code KafkaTopic}s against the topics the services create at start-up: one resource per
 * topic, same name, partitions, retention.ms and cleanup.policy, and no resource for a topic the
 * code does not know.
 */
final class TopicRules {

    private TopicRules() {
    }

    /** The Kafka topic name of a KafkaTopic: spec.topicName, else metadata.name. */
    static String topicName(Map<String, Object> kafkaTopic) {
        String topicName = Yamls.text(kafkaTopic, "spec", "topicName");
        return topicName != null ? topicName : Yamls.text(kafkaTopic, "metadata", "name");
    }

    static List<String> violations(List<Map<String, Object>> kafkaTopics, List<NewTopic> expected, String cluster) {
        List<String> violations = new ArrayList<>();
        Map<String, List<Map<String, Object>>> byName = kafkaTopics.stream()
                .collect(Collectors.groupingBy(TopicRules::topicName));
        Map<String, NewTopic> expectedByName = expected.stream()
                .collect(Collectors.toMap(NewTopic::name, Function.identity()));

        byName.forEach((name, resources) -> {
            if (resources.size() > 1) {
                violations.add(name + ": " + resources.size() + " KafkaTopic resources, should be one");
            }
            if (!expectedByName.containsKey(name)) {
                violations.add(name + ": KafkaTopic for a topic the services do not create (not in Topics.ALL)");
            }
        });
        for (NewTopic topic : expected) {
            List<Map<String, Object>> resources = byName.getOrDefault(topic.name(), List.of());
            if (resources.isEmpty()) {
                violations.add(topic.name() + ": no KafkaTopic");
                continue;
            }
            compare(resources.getFirst(), topic, cluster, violations);
        }
        return violations;
    }

    private static void compare(Map<String, Object> resource, NewTopic topic, String cluster, List<String> violations) {
        String name = topic.name();
        expectEqual(name, "partitions", String.valueOf(topic.numPartitions()), Yamls.text(resource, "spec", "partitions"), violations);
        Map<String, String> configs = topic.configs() == null ? Map.of() : topic.configs();
        expectEqual(name, TopicConfig.RETENTION_MS_CONFIG, configs.get(TopicConfig.RETENTION_MS_CONFIG),
                Yamls.text(resource, "spec", "config", TopicConfig.RETENTION_MS_CONFIG), violations);
        expectEqual(name, TopicConfig.CLEANUP_POLICY_CONFIG,
                configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                Yamls.text(resource, "spec", "config", TopicConfig.CLEANUP_POLICY_CONFIG), violations);
        expectEqual(name, "label strimzi.io/cluster", cluster,
                Yamls.text(Yamls.map(resource, "metadata", "labels"), "strimzi.io/cluster"), violations);
    }

    private static void expectEqual(String topic, String what, String expected, String actual, List<String> violations) {
        if (!Objects.equals(expected, actual)) {
            violations.add(topic + ": " + what + " should be " + expected + ", is " + actual);
        }
    }
}
