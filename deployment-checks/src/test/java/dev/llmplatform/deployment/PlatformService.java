package dev.llmplatform.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the four services as the deployment files must see it: module, image, configuration
 * file ({@code <name>.yml} on the classpath, from the service's jar) and properties prefix.
 */
record PlatformService(String name) {

    static final List<PlatformService> ALL = List.of(
            new PlatformService("gateway"), new PlatformService("tokenizer"),
            new PlatformService("inference"), new PlatformService("training"));

    private static final Pattern PORT_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:(\\d+)}");

    String module() {
        return name + "-service";
    }

    /** Image name without tag, as the root pom's Jib recipe names it. */
    String image() {
        return "llm-platform/" + module();
    }

    String propertiesPrefix() {
        return "llm." + name;
    }

    /** Package of the service's classes, where its {@code @ConfigurationProperties} record lives. */
    String basePackage() {
        return "dev.llmplatform." + name;
    }

    /** The service's {@code <name>.yml}, as packaged in its jar. */
    String configYaml() {
        try (InputStream in = PlatformService.class.getClassLoader().getResourceAsStream(name + ".yml")) {
            if (in == null) {
                throw new IllegalStateException(name + ".yml is not on the classpath: is " + module() + " a dependency?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default of {@code server.port} in {@code <name>.yml}: a number or {@code ${VAR:number}}. */
    int defaultPort() {
        var yaml = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions()));
        String port = Yamls.text(Yamls.asMap(yaml.load(configYaml()), name + ".yml"), "server", "port");
        if (port == null) {
            return 8080;
        }
        if (port.matches("\\d+")) {
            return Integer.parseInt(port);
        }
        Matcher matcher = PORT_DEFAULT.matcher(port);
        if (!matcher.matches()) {
            throw new IllegalStateException(name + ".yml server.port has no default: " + port);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** Whether {@code <name>.yml} reads this environment variable as a {@code ${NAME}} placeholder. */
    boolean readsPlaceholder(String variable) {
        return Pattern.compile("\\$\\{" + Pattern.quote(variable) + "[:}]").matcher(configYaml()).find();
    }

    /** The service whose image this is ({@code llm-platform/<module>[:tag]}), or null. */
    static PlatformService ofImage(String image) {
        if (image == null) {
            return null;
        }
        String withoutTag = image.substring(0, image.length() - tagOf(image).length()).replaceFirst(":$", "");
        return ALL.stream().filter(s -> s.image().equals(withoutTag)).findFirst().orElse(null);
    }

    /** The tag of an image reference (after the first ':' following the last '/'), or "". */
    static String tagOf(String image) {
        int colon = image.indexOf(':', image.lastIndexOf('/') + 1);
        return colon < 0 ? "" : image.substring(colon + 1);
    }
}
