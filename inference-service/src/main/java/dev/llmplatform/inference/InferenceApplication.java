package dev.llmplatform.inference;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The inference-service. Its configuration file is {@code inference.yml} (not {@code application.yml}) so the
 * four services can share one JVM in the one-command mode without reading each other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceApplication {

    /** Configuration file name of this service, used by {@link #builder()} and by tests. */
    public static final String CONFIG_NAME = "inference";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(InferenceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
