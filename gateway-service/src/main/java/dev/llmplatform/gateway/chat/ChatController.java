package dev.llmplatform.gateway.chat;

import dev.llmplatform.gateway.chat.ChatProtocol.ChatRequest;
import dev.llmplatform.gateway.serving.RequestTimeout;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/chat/completions}, OpenAI-compatible; {@code "stream": true} answers with server-sent events. */
@RestController
public class ChatController {

    private final ChatService service;

    public ChatController(ChatService service) {
        this.service = service;
    }

    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> create(@RequestBody ChatRequest request,
                                          @RequestHeader(name = RequestTimeout.HEADER, required = false) String timeout) {
        return service.complete(request, timeout);
    }
}
