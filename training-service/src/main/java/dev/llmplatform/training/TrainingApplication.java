package dev.llmplatform.training;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The training-service. Its configuration file is {@code training.yml} (not {@code application.yml}) so the
 * four services can share one JVM in the one-command mode without reading each other's settings.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TrainingApplication {

    /** Configuration file name of this service, used by {@link #builder()} and by tests. */
    public static final String CONFIG_NAME = "training";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TrainingApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
