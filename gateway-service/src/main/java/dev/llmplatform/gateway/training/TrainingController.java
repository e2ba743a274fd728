package dev.llmplatform.gateway.training;

import dev.llmplatform.gateway.training.TrainingProtocol.CreateJobRequest;
import dev.llmplatform.gateway.training.TrainingProtocol.JobBody;
import dev.llmplatform.gateway.training.TrainingProtocol.JobList;
import dev.llmplatform.gateway.security.ClientIdentity;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Training jobs: submit (202, the job runs asynchronously), list (newest first), read, follow as
 * server-sent events, cancel (202, the training-service confirms with a {@code cancelled} event). With API
 * keys on, these routes need a key with the admin scope, and a job is seen only by the key that submitted it.
 */
@RestController
@RequestMapping("/v1/training/jobs")
public class TrainingController {

    private final TrainingService service;

    public TrainingController(TrainingService service) {
        this.service = service;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<JobBody>> create(@RequestBody CreateJobRequest request, ServerWebExchange exchange) {
        return service.submit(request, ClientIdentity.of(exchange)).map(job -> ResponseEntity.status(HttpStatus.ACCEPTED).body(job));
    }

    @GetMapping
    public Mono<JobList> list(ServerWebExchange exchange) {
        return service.list(ClientIdentity.of(exchange));
    }

    @GetMapping("/{id}")
    public Mono<JobBody> get(@PathVariable String id, ServerWebExchange exchange) {
        return service.find(id, ClientIdentity.of(exchange));
    }

    /** A 404 for an unknown job comes before the stream starts, as a JSON error. */
    @GetMapping("/{id}/events")
    public Mono<ResponseEntity<Flux<ServerSentEvent<String>>>> events(@PathVariable String id, ServerWebExchange exchange) {
        return service.events(id, ClientIdentity.of(exchange)).map(events -> ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(events));
    }

    @DeleteMapping("/{id}")
    public Mono<ResponseEntity<JobBody>> cancel(@PathVariable String id, ServerWebExchange exchange) {
        return service.cancel(id, ClientIdentity.of(exchange)).map(job -> ResponseEntity.status(HttpStatus.ACCEPTED).body(job));
    }
}
