package dev.llmplatform.tokenizer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The tokenizer-service. Its configuration file is {@code tokenizer.yml} (not {@code application.yml}) so the
 * four services can share one JVM in the one-command mode without reading each other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TokenizerApplication {

    /** Configuration file name of this service, used by {@link #builder()} and by tests. */
    public static final String CONFIG_NAME = "tokenizer";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TokenizerApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
