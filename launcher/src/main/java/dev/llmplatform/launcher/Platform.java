package dev.llmplatform.launcher;

import dev.llmplatform.gateway.GatewayApplication;
import dev.llmplatform.gateway.models.ModelRegistry;
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
        log.info("llm-platform ready in {} s: gateway http://localhost:{} (Kafka {}){}",
                String.format("%.1f", (System.nanoTime() - t0) / 1e9), gatewayPort(), bootstrap, banner(bootstrap));
    }

    /** What listens where and what is served, under the ready line: the one place a user looks. */
    private String banner(String bootstrap) {
        String gateway = "http://localhost:" + gatewayPort();
        StringBuilder b = new StringBuilder();
        b.append("\n  gateway    ").append(gateway).append("  (OpenAI-compatible /v1/..., Anthropic /v1/messages)");
        b.append("\n  playground ").append(gateway).append("/");
        b.append("\n  OpenAPI    ").append(gateway).append("/openapi.json");
        for (String service : List.of("tokenizer", "inference", "training")) {
            b.append("\n  ").append(String.format("%-10s", service)).append(" http://localhost:").append(port(service));
        }
        b.append("\n  Kafka      ").append(bootstrap).append(broker != null ? " (in-process broker, data in " + settings.kafkaDir() + ")" : "");
        b.append("\n  models     ").append(servedModels()).append(" (store ").append(settings.modelStore()).append(")");
        b.append("\n  log        Kafka and Spring start-up at WARN; LLM_LOG_LEVEL=info or debug shows them");
        return b.toString();
    }

    private String servedModels() {
        try {
            List<String> names = services.get("gateway").getBean(ModelRegistry.class).names();
            return names.isEmpty() ? "none yet (see the model store lines as they come)" : String.join(", ", names);
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private void startService(String name, int port, String bootstrap, Supplier<SpringApplicationBuilder> builder) {
        // No Spring shutdown hook per service: close() stops them in order, the broker last. With their own hooks
        // racing the launcher's, close() on a context another thread is already closing returns at once (Spring's
        // tryLockForShutdown), so the broker went down under the inference service's drain and its Kafka clients.
        ConfigurableApplicationContext context = builder.get().registerShutdownHook(false)
                .run(serviceArguments(settings, name, port, bootstrap).toArray(String[]::new));
        services.put(name, context);
    }

    /**
     * A service's command line. Kafka's loggers are quiet through the launcher's {@code logback.xml} (so
     * {@code LLM_LOG_LEVEL} reaches them), not here; a key in {@link PlatformSettings#serviceArguments()}
     * replaces the default of the same key (Spring would join two values of one key with a comma).
     * The process mode ({@code launcher.processes}) gives each service JVM the same line.
     */
    public static List<String> serviceArguments(PlatformSettings settings, String name, int port, String bootstrap) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("server.port", String.valueOf(port));
        args.put("spring.kafka.bootstrap-servers", bootstrap);
        args.put("llm." + name + ".model-store", settings.modelStore().toString());
        args.put("spring.main.banner-mode", "off");
        // Four "Starting …/Started …" pairs say less than the one banner Platform prints when all are up.
        args.put("spring.main.log-startup-info", "false");
        // ./data outlives upgrades: bring existing topics' settings (record size limits) up to date.
        args.put("spring.kafka.admin.modify-topic-configs", "true");
        if (name.equals("training")) {
            args.put("llm.training.training-dir", settings.trainingDir().toString());
            args.put("llm.training.dataset-root", settings.dataDir().resolve("datasets").toString());
        }
        // Logging is JVM-wide: the first context's name would label every line, so leave it out.
        args.put("logging.include-application-name", "false");
        if (!name.equals("gateway")) {
            // One classpath: libraries of the gateway (the OpenAPI generator) must not switch on elsewhere.
            args.put("springdoc.api-docs.enabled", "false");
            args.put("springdoc.swagger-ui.enabled", "false");
        }
        settings.serviceArguments().forEach((k, v) -> args.put(k.replace("{service}", name), v));
        List<String> line = new ArrayList<>();
        args.forEach((k, v) -> line.add("--" + k + "=" + v));
        return line;
    }

    /** This platform's command line for one more instance of a service (tests that add a replica). */
    public List<String> serviceArguments(String name, int port, String bootstrap) {
        return serviceArguments(settings, name, port, bootstrap);
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
        if (!services.isEmpty()) {
            log.info("llm-platform stopping");
        }
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
