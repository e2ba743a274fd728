package dev.llmplatform.launcher;

import dev.llmplatform.gateway.GatewayApplication;
import dev.llmplatform.inference.InferenceApplication;
import dev.llmplatform.launcher.kafka.InProcessKafkaBroker;
import dev.llmplatform.launcher.models.DefaultModels;
import dev.llmplatform.tokenizer.TokenizerApplication;
import dev.llmplatform.training.TrainingApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The whole platform in one JVM: the in-process Kafka broker (unless a cluster is named), the
 * default model in the store, then the four services, each in its own Spring context with its
 * own configuration file and port. They share nothing but the JVM: every message still goes
 * through Kafka, exactly as in a cluster deployment.
 */
public final class Platform implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Platform.class);

    private final PlatformSettings settings;
    private InProcessKafkaBroker broker;
    private final Map<String, ConfigurableApplicationContext> services = new LinkedHashMap<>();

    private Platform(PlatformSettings settings) {
        this.settings = settings;
    }

    public static Platform start(PlatformSettings settings) {
        Platform platform = new Platform(settings);
        try {
            platform.startAll();
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    private void startAll() {
        long t0 = System.nanoTime();
        String bootstrap = settings.bootstrapServers();
        if (bootstrap == null || bootstrap.isBlank()) {
            broker = new InProcessKafkaBroker(settings.kafkaDir(), settings.kafkaPort(), settings.controllerPort()).start();
            bootstrap = broker.bootstrapServers();
        }
        DefaultModels.ensure(settings.modelStore(), settings.seedModels());
        // Inference first: it loads and warms up models while the others start.
        startService("inference", settings.inferencePort(), bootstrap, InferenceApplication::builder);
        startService("tokenizer", settings.tokenizerPort(), bootstrap, TokenizerApplication::builder);
        startService("training", settings.trainingPort(), bootstrap, TrainingApplication::builder);
        startService("gateway", settings.gatewayPort(), bootstrap, GatewayApplication::builder);
        log.info("llm-platform ready in {} s: gateway http://localhost:{} (Kafka {})",
                String.format("%.1f", (System.nanoTime() - t0) / 1e9), gatewayPort(), bootstrap);
    }

    private void startService(String name, int port, String bootstrap, Supplier<SpringApplicationBuilder> builder) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--spring.kafka.bootstrap-servers=" + bootstrap);
        args.add("--llm." + name + ".model-store=" + settings.modelStore());
        args.add("--spring.main.banner-mode=off");
        // ./data outlives upgrades: bring existing topics' settings (record size limits) up to date.
        args.add("--spring.kafka.admin.modify-topic-configs=true");
        if (name.equals("training")) {
            args.add("--llm.training.training-dir=" + settings.trainingDir());
            args.add("--llm.training.dataset-root=" + settings.dataDir().resolve("datasets"));
        }
        args.add("--logging.level.kafka=WARN");
        args.add("--logging.level.org.apache.kafka=WARN");
        args.add("--logging.level.state.change.logger=WARN");
        // Logging is JVM-wide: the first context's name would label every line, so leave it out.
        args.add("--logging.include-application-name=false");
        if (!name.equals("gateway")) {
            // One classpath: libraries of the gateway (the OpenAPI generator) must not switch on elsewhere.
            args.add("--springdoc.api-docs.enabled=false");
            args.add("--springdoc.swagger-ui.enabled=false");
        }
        settings.serviceArguments().forEach((k, v) -> args.add("--" + k.replace("{service}", name) + "=" + v));
        ConfigurableApplicationContext context = builder.get().run(args.toArray(String[]::new));
        services.put(name, context);
    }

    public int gatewayPort() {
        return port("gateway");
    }

    /** The port a service actually listens on (a configured 0 means a random free port). */
    public int port(String service) {
        ConfigurableApplicationContext context = services.get(service);
        String port = context == null ? null : context.getEnvironment().getProperty("local.server.port");
        if (port == null) {
            throw new IllegalStateException("service " + service + " is not running");
        }
        return Integer.parseInt(port);
    }

    public ConfigurableApplicationContext context(String service) {
        return services.get(service);
    }

    public String bootstrapServers() {
        return broker != null ? broker.bootstrapServers() : settings.bootstrapServers();
    }

    @Override
    public void close() {
        List<String> names = new ArrayList<>(services.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            try {
                services.get(names.get(i)).close();
            } catch (RuntimeException e) {
                log.warn("closing {} failed", names.get(i), e);
            }
        }
        services.clear();
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
