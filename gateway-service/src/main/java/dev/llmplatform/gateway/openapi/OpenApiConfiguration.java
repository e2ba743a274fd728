package dev.llmplatform.gateway.openapi;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /openapi.json}: springdoc reads the controllers, {@link ApiDocsCustomizer} adds examples. */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String BEARER = "bearer";

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("llm-platform gateway").version("v1")
                        .description("""
                                OpenAI-compatible API of llm-platform. Errors are always \
                                `{"error":{"message","type","param","code"}}`. Streaming answers are server-sent \
                                events: `data: {json}` lines ending with `data: [DONE]`. An API key \
                                (`Authorization: Bearer <key>`) is needed only where the gateway enables keys \
                                (`llm.gateway.security.enabled`). Anthropic's Messages routes (`/v1/messages…`) \
                                answer in Anthropic's shapes instead, errors and named stream events included, and \
                                also take the key as `x-api-key`.""")
                        .license(new License().name("Apache-2.0")))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer")
                        .description("An API key, when the gateway requires them")))
                // Either anonymous (keys off, the default) or a bearer key.
                .addSecurityItem(new SecurityRequirement())
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    ApiDocsCustomizer apiDocsCustomizer() {
        return new ApiDocsCustomizer();
    }
}
