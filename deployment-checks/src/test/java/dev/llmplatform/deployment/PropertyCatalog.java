package dev.llmplatform.deployment;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The configuration properties an environment variable can bind to, the way Spring Boot binds
 * them from the environment: {@code LLM_GATEWAY_REPLY_PARTITION} → {@code llm.gateway.reply-partition}
 * (upper case, '_' for '.', dashes optional). Two sources: the {@code @ConfigurationProperties}
 * classes of our code, found by reflection, and the configuration metadata that Spring Boot's
 * own jars ship ({@code server.port}, {@code spring.kafka.*}, {@code management.*}).
 */
final class PropertyCatalog {

    private final List<PropertyPattern> patterns;

    private PropertyCatalog(List<PropertyPattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Properties a service can read: its own and the library modules' classes, and Spring Boot's. */
    static PropertyCatalog forService(PlatformService service) {
        List<PropertyPattern> patterns = new ArrayList<>(springBootMetadata());
        for (Class<?> type : configurationPropertiesClasses()) {
            if (readableBy(type, service)) {
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                patterns.addAll(PropertyPattern.ofClass(prefix, type));
            }
        }
        return new PropertyCatalog(patterns);
    }

    /** Whether some property binds to this environment variable. */
    boolean binds(String environmentVariable) {
        List<String> words = Arrays.asList(environmentVariable.toLowerCase(Locale.ROOT).split("_"));
        return patterns.stream().anyMatch(p -> p.matches(words));
    }

    /** Names of the {@code @ConfigurationProperties} prefixes found in a service's package (for messages). */
    static List<String> prefixesOf(PlatformService service) {
        return configurationPropertiesClasses().stream()
                .filter(type -> type.getPackageName().startsWith(service.basePackage()))
                .map(type -> type.getAnnotation(ConfigurationProperties.class))
                .map(a -> a.prefix().isEmpty() ? a.value() : a.prefix())
                .toList();
    }

    private static boolean readableBy(Class<?> type, PlatformService service) {
        String pkg = type.getPackageName();
        boolean otherService = PlatformService.ALL.stream()
                .anyMatch(s -> !s.equals(service) && pkg.startsWith(s.basePackage()));
        return !otherService;
    }

    private static volatile List<Class<?>> classes;

    static List<Class<?>> configurationPropertiesClasses() {
        if (classes == null) {
            var scanner = new ClassPathScanningCandidateComponentProvider(false);
            scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
            List<Class<?>> found = new ArrayList<>();
            for (var candidate : scanner.findCandidateComponents("dev.llmplatform")) {
                try {
                    found.add(Class.forName(candidate.getBeanClassName()));
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
            classes = Collections.unmodifiableList(found);
        }
        return classes;
    }

    private static volatile List<PropertyPattern> springBoot;

    private static List<PropertyPattern> springBootMetadata() {
        if (springBoot == null) {
            List<PropertyPattern> found = new ArrayList<>();
            var mapper = JsonMapper.builder().build();
            for (String resource : List.of("META-INF/spring-configuration-metadata.json",
                    "META-INF/additional-spring-configuration-metadata.json")) {
                for (URL url : resources(resource)) {
                    try (InputStream in = url.openStream()) {
                        JsonNode properties = mapper.readTree(in).path("properties");
                        for (JsonNode property : properties) {
                            found.add(PropertyPattern.ofMetadata(property.path("name").asString(),
                                    property.path("type").asString("")));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            springBoot = List.copyOf(found);
        }
        return springBoot;
    }

    private static List<URL> resources(String name) {
        try {
            return Collections.list(PropertyCatalog.class.getClassLoader().getResources(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
