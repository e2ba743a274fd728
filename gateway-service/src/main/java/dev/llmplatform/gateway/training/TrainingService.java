package dev.llmplatform.gateway.training;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.TrainingJob;
import dev.llmplatform.contracts.TrainingSpec;
import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.error.ApiException;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.security.ClientIdentity;
import dev.llmplatform.gateway.training.TrainingProtocol.CreateJobRequest;
import dev.llmplatform.gateway.training.TrainingProtocol.EventBody;
import dev.llmplatform.gateway.training.TrainingProtocol.JobBody;
import dev.llmplatform.gateway.training.TrainingProtocol.JobList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;

/**
 * Serves {@code /v1/training/jobs}: validates and publishes submissions and cancels, and answers
 * reads and event streams from the {@link TrainingJobs} view.
 */
@Service
public class TrainingService {

    static final String DONE = "[DONE]";
    /** Under the idle timeouts of common proxies (60 s for nginx), so a quiet job's stream stays open. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(TrainingService.class);

    private final TrainingJobs jobs;
    private final TrainingJobPublisher publisher;
    private final TrainingRequestValidator validator;
    private final JsonMapper json;
    private final InstantSource clock = InstantSource.system();

    public TrainingService(TrainingJobs jobs, TrainingJobPublisher publisher, ModelRegistry registry, JsonMapper json,
                           GatewayProperties properties) {
        this.jobs = jobs;
        this.publisher = publisher;
        this.validator = new TrainingRequestValidator(registry, properties.training());
        this.json = json;
    }

    /**
     * Publishes the job, then records it as queued, so it shows at once without waiting for the training-service.
     * With API keys on, the job belongs to the submitting key: no other key can list, read, follow or cancel it.
     */
    public Mono<JobBody> submit(CreateJobRequest request, ClientIdentity client) {
        return Mono.defer(() -> {
            TrainingSpec spec = validator.validate(request);
            String id = "job-" + UUID.randomUUID().toString().replace("-", "");
            long now = clock.millis();
            String owner = owner(client);
            return publish(new TrainingJob.Submit(TrainingJob.CURRENT_VERSION, id, spec, now, owner))
                    .then(Mono.fromSupplier(() -> {
                        jobs.submitted(id, spec.model(), now, owner);
                        return JobBody.of(jobs.find(id).orElseThrow());
                    }));
        });
    }

    public Mono<JobList> list(ClientIdentity client) {
        return Mono.fromSupplier(() -> JobList.of(jobs.list(client.id()).stream().map(JobBody::of).toList()));
    }

    public Mono<JobBody> find(String id, ClientIdentity client) {
        return Mono.fromSupplier(() -> JobBody.of(visible(id, client)));
    }

    /** Asks the training-service to stop the job; it reports {@code cancelled} when it has. */
    public Mono<JobBody> cancel(String id, ClientIdentity client) {
        return Mono.defer(() -> {
            JobSnapshot job = visible(id, client);
            if (job.isTerminal()) {
                throw new ApiException(new ErrorInfo(409, "invalid_request_error", "The training job '" + id
                        + "' has already " + job.status().wireName(), "id", "job_finished"));
            }
            return publish(new TrainingJob.CancelJob(TrainingJob.CURRENT_VERSION, id))
                    .then(Mono.fromSupplier(() -> JobBody.of(jobs.find(id).orElseThrow())));
        });
    }

    /**
     * The job's history then its live events as {@code data: {json}} lines, {@code data: [DONE]}
     * after the terminal one, and a comment line now and then while the job is quiet.
     */
    public Mono<Flux<ServerSentEvent<String>>> events(String id, ClientIdentity client) {
        return Mono.fromSupplier(() -> {
            visible(id, client);
            Flux<ServerSentEvent<String>> events = jobs.watch(id).orElseThrow(() -> notFound(id))
                    .map(event -> data(json.writeValueAsString(EventBody.of(event))));
            ServerSentEvent<String> done = data(DONE);
            Flux<ServerSentEvent<String>> heartbeats = Flux.interval(HEARTBEAT, HEARTBEAT)
                    .map(tick -> ServerSentEvent.<String>builder().comment("keep-alive").build());
            // takeUntil ends the merge (and the heartbeats) right after [DONE].
            return Flux.merge(events.concatWithValues(done), heartbeats).takeUntil(event -> event == done);
        });
    }

    private Mono<Void> publish(TrainingJob job) {
        return publisher.publish(job).onErrorMap(e -> !(e instanceof ApiException), e -> {
            log.error("could not publish {} for training job {}", job.getClass().getSimpleName(), job.jobId(), e);
            return new ApiException(new ErrorInfo(503, "server_error",
                    "The training service is unavailable, please retry", null, "service_unavailable"));
        });
    }

    /** Another key's job is answered as if it did not exist, so ids cannot be probed. */
    private JobSnapshot visible(String id, ClientIdentity client) {
        return jobs.find(id).filter(job -> job.visibleTo(client.id())).orElseThrow(() -> notFound(id));
    }

    /** With API keys on, a job belongs to its key; without, to anyone who can reach the gateway (as batches). */
    private static String owner(ClientIdentity client) {
        return client.id().startsWith(ClientIdentity.KEY_PREFIX) ? client.id() : null;
    }

    private static ApiException notFound(String id) {
        return new ApiException(new ErrorInfo(404, "invalid_request_error",
                "No training job with id '" + id + "'", "id", "job_not_found"));
    }

    /** A leading space gives OpenAI's exact {@code data: {json}} line; SSE parsers drop it again. */
    private static ServerSentEvent<String> data(String payload) {
        return ServerSentEvent.builder(" " + payload).build();
    }
}
