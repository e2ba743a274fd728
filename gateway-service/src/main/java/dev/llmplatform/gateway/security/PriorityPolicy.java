package dev.llmplatform.gateway.security;

import dev.llmplatform.gateway.GatewayProperties;
import dev.llmplatform.gateway.GatewayProperties.PriorityLimits;
import dev.llmplatform.gateway.error.ApiException;
import org.springframework.stereotype.Component;
import reactor.util.context.ContextView;

import java.util.Map;

/**
 * The scheduling priority a generation gets (vLLM's convention: lower is served first). A request that
 * names {@code priority} gets it, unless it is below its key's floor ({@code llm.gateway.security.key-priorities.<hash>.floor},
 * else {@code llm.gateway.limits.priority.floor}): asking to be more urgent than allowed is a 400 naming
 * {@code priority}. A request that names none gets its key's default (else the global one, 0); a
 * {@code /v1/batches} line gets {@code llm.gateway.batches.priority} (10) or that default, whichever is
 * less urgent. A default is never below the floor.
 */
@Component
public class PriorityPolicy {

    /** Put {@code true} under this key in the Reactor context of work that runs a batch line. */
    public static final String BATCH_CONTEXT_KEY = PriorityPolicy.class.getName() + ".batch";

    private final PriorityLimits global;
    private final Map<String, PriorityLimits> perKey;
    private final int batchPriority;

    public PriorityPolicy(GatewayProperties properties) {
        this.global = properties.limits().priority();
        this.perKey = properties.security().keyPriorities();
        this.batchPriority = properties.batches().priority();
    }

    /** The priority for a request of this client, from the Reactor context of its serving. */
    public int resolve(Integer requested, ContextView context) {
        return resolve(requested, ClientIdentity.of(context), context.getOrDefault(BATCH_CONTEXT_KEY, Boolean.FALSE));
    }

    /** The priority for a request; an {@code ApiException} (400, param {@code priority}) when it asks for too much. */
    public int resolve(Integer requested, ClientIdentity client, boolean batch) {
        PriorityLimits key = keyLimits(client);
        Integer floor = key != null && key.floor() != null ? key.floor() : global.floor();
        if (requested != null) {
            if (floor != null && requested < floor) {
                throw ApiException.invalid("priority", "priority must be at least " + floor
                        + (key != null && key.floor() != null ? " for this API key" : "")
                        + " (lower values are served first), got " + requested);
            }
            return requested;
        }
        int fallback = key != null && key.defaultPriority() != null ? key.defaultPriority() : global.defaultPriority();
        if (batch) {
            fallback = Math.max(fallback, batchPriority);
        }
        return floor == null ? fallback : Math.max(fallback, floor);
    }

    private PriorityLimits keyLimits(ClientIdentity client) {
        String id = client.id();
        return id.startsWith(ClientIdentity.KEY_PREFIX) ? perKey.get(id.substring(ClientIdentity.KEY_PREFIX.length())) : null;
    }
}
