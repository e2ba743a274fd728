package dev.llmplatform.training.registry;

import dev.llmplatform.contracts.ModelEvent;
import dev.llmplatform.topics.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one writer of the registry topic {@code llm.models}: one record per model name, derived from
 * the catalog each time something about the name changes; a tombstone when its last version is
 * gone. Each send waits for the broker, so what was announced is in Kafka before the caller goes on.
 */
final class ModelAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(ModelAnnouncer.class);

    private final KafkaTemplate<String, String> template;
    private final ModelCatalog catalog;
    private final Duration timeout;
    private final Map<String, String> lastSent = new ConcurrentHashMap<>();
    private final Map<String, String> lastLogged = new ConcurrentHashMap<>();
    private final Set<String> unsent = ConcurrentHashMap.newKeySet();

    ModelAnnouncer(KafkaTemplate<String, String> template, ModelCatalog catalog, Duration timeout) {
        this.template = template;
        this.catalog = catalog;
        this.timeout = timeout;
    }

    /** Publishes what the catalog now says of this model, unless it says exactly what was last published. */
    synchronized void announce(String name) {
        Optional<ModelEvent> event = catalog.eventFor(name);
        String value = event.map(Topics.MODELS::encode).orElse(null);
        String previous = lastSent.get(name);
        if (value != null && value.equals(previous)) {
            return;
        }
        unsent.add(name);
        try {
            template.send(new ProducerRecord<>(Topics.MODELS.name(), name, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            unsent.remove(name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while announcing model " + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot announce model " + name + " on " + Topics.MODELS.name() + ": " + e, e);
        }
        if (value == null) {
            lastSent.remove(name);
            lastLogged.remove(name);
            log.info("model {} withdrawn: no version left in the store", name);
        } else {
            lastSent.put(name, value);
            logChange(event.get());
        }
    }

    /** Names whose last announcement Kafka did not take (broker away): the watcher tries them again. */
    Set<String> unsent() {
        return Set.copyOf(unsent);
    }

    /** One line when a model's serving version or state changes, not one per progress step. */
    private void logChange(ModelEvent e) {
        String summary = e.version() + " " + e.state().wireName()
                + (e.pending() == null ? "" : ", version " + e.pending().version() + " " + e.pending().state().wireName());
        if (summary.equals(lastLogged.put(e.name(), summary))) {
            return;
        }
        String facts = e.architecture() == null ? "" : " " + e.architecture() + " from " + e.sourceFormat()
                + (e.weightFormat() == null ? "" : ", " + e.weightFormat() + " weights");
        log.info("model {} version {} {}:{}{}", e.name(), e.version(), e.state().wireName(), facts,
                e.message() == null ? "" : " (" + e.message() + ")");
        if (e.pending() != null && e.pending().message() != null) {
            log.info("model {} version {} {}: {}", e.name(), e.pending().version(), e.pending().state().wireName(),
                    e.pending().message());
        }
    }
}
