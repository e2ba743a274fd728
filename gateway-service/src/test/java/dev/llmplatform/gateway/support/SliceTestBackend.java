package dev.llmplatform.gateway.support;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.chat.ChatService;
import dev.llmplatform.gateway.completions.CompletionsService;
import dev.llmplatform.gateway.serving.GenerationServing;
import dev.llmplatform.gateway.tokenize.TokenizeService;
import dev.llmplatform.gateway.limits.GenerationAdmission;
import dev.llmplatform.gateway.models.ModelRegistry;
import dev.llmplatform.gateway.models.RegisteredModel;
import dev.llmplatform.gateway.security.PriorityPolicy;
import dev.llmplatform.model.GenerationDefaults;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What a {@code @WebFluxTest} of the gateway needs beside its controllers: the completions, chat
 * and tokenize services, a registry with a small decoder ({@value #MODEL}, context 64, generation defaults
 * temperature 0.7 and top_k 40) and an encoder ({@value #ENCODER}), the scripted back end and the
 * generation admission and the priority policy (limits from the test's properties).
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
@Import({GenerationServing.class, CompletionsService.class, ChatService.class, TokenizeService.class,
        GenerationAdmission.class, PriorityPolicy.class})
public class SliceTestBackend {

    public static final String MODEL = "tiny-llama";
    public static final String ENCODER = "tiny-encoder";
    public static final int CONTEXT_LENGTH = 64;

    @Bean
    ScriptedGenerationClient scriptedGenerationClient() {
        return new ScriptedGenerationClient();
    }

    @Bean
    ModelRegistry modelRegistry() {
        ModelRegistry registry = new ModelRegistry();
        registry.register(new RegisteredModel(MODEL, "3", "decoder", 123_456, CONTEXT_LENGTH, 2.5, 1_700_000_000_000L,
                new GenerationDefaults(true, 0.7, null, 40, null, 1, 2)));
        registry.register(new RegisteredModel(ENCODER, "1", "encoder", 22_000_000, 512, Double.NaN, 1_700_000_000_000L,
                null));
        return registry;
    }
}
