package dev.llmplatform.gateway.security;

import org.springframework.web.server.ServerWebExchange;
import reactor.util.context.ContextView;

import java.net.InetSocketAddress;

/**
 * Who a request counts against for rate limits: the SHA-256 of its API key when keys are on, else
 * its client IP address. Set by {@link ApiKeyFilter} both as an exchange attribute and in the Reactor
 * context, so code far from the exchange (a generation flux) can find it.
 *
 * @param id {@code key:<sha256 hex>} or {@code ip:<address>}; never the key itself
 */
public record ClientIdentity(String id) {

    public static final String ATTRIBUTE = ClientIdentity.class.getName();
    public static final ClientIdentity UNKNOWN = new ClientIdentity("unknown");
    /** What precedes the key's hash in {@link #id()}. */
    public static final String KEY_PREFIX = "key:";

    public static ClientIdentity ofKeyHash(String sha256Hex) {
        return new ClientIdentity(KEY_PREFIX + sha256Hex);
    }

    public static ClientIdentity ofAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return UNKNOWN;
        }
        return new ClientIdentity("ip:" + (remote.getAddress() != null
                ? remote.getAddress().getHostAddress() : remote.getHostString()));
    }

    public static ClientIdentity of(ServerWebExchange exchange) {
        ClientIdentity identity = exchange.getAttribute(ATTRIBUTE);
        return identity != null ? identity : ofAddress(exchange);
    }

    public static ClientIdentity of(ContextView context) {
        return context.getOrDefault(ClientIdentity.class, UNKNOWN);
    }
}
