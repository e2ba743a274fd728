package dev.llmplatform.deployment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An environment variable given to a service container must mean something to that service: bind
 * to one of its configuration properties, be a {@code ${NAME}} placeholder of its {@code <service>.yml},
 * or be read by the JVM or a native library. A typo would otherwise be ignored silently.
 */
final class EnvironmentRules {

    /** Read by the JVM or by native libraries, not by Spring. */
    static final Set<String> PROCESS_VARIABLES = Set.of(
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "TZ", "OMP_WAIT_POLICY", "OMP_NUM_THREADS", "DJL_CACHE_DIR");

    /**
     * Variables the manifests already pass for a property another engineer has yet to add. Each must
     * still fail to bind: once the property exists, the entry goes (a test says so).
     */
    static final Map<String, String> PENDING = Map.of();

    private EnvironmentRules() {
    }

    static List<String> violations(PlatformService service, Collection<String> variables, String where) {
        PropertyCatalog catalog = PropertyCatalog.forService(service);
        List<String> violations = new ArrayList<>();
        for (String variable : variables) {
            boolean known = PROCESS_VARIABLES.contains(variable)
                    || PENDING.containsKey(variable)
                    || service.readsPlaceholder(variable)
                    || catalog.binds(variable);
            if (!known) {
                violations.add(where + ": " + variable + " binds to no property of " + service.module()
                        + " (prefixes found: " + PropertyCatalog.prefixesOf(service) + ") and is no ${"
                        + variable + "} placeholder of " + service.name() + ".yml");
            }
        }
        return violations;
    }
}
