package dev.llmplatform.gateway.serving;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import java.util.concurrent.TimeUnit;

/**
 * At DEBUG (with {@link StreamTrace}), where a POST's connection stands when its exchange ends and two seconds
 * later: whether the channel is open and how many bytes Netty still holds unwritten. With StreamTrace's line
 * (which carries the same log prefix) it tells a stream the server never finished writing from one whose bytes
 * all left for the client. Off, it passes the exchange through untouched.
 */
@Component
public class ExchangeTrace implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(StreamTrace.class);
    static final String PREFIX = ExchangeTrace.class.getName() + ".prefix";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.isDebugEnabled() || exchange.getRequest().getMethod() != HttpMethod.POST) {
            return chain.filter(exchange);
        }
        Channel channel = channel(exchange);
        String prefix = exchange.getLogPrefix();
        return chain.filter(exchange).contextWrite(context -> context.put(PREFIX, prefix)).doFinally(signal -> {
            log.debug("{}exchange ended ({}); {}", prefix, signal, state(channel));
            if (channel != null) {
                channel.eventLoop().schedule(() -> log.debug("{}2 s after the exchange ended: {}", prefix,
                        state(channel)), 2, TimeUnit.SECONDS);
            }
        });
    }

    /** The connection's Netty channel, or null off Reactor Netty (a mock exchange has no native request). */
    private static Channel channel(ServerWebExchange exchange) {
        try {
            return ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof Connection c
                    ? c.channel() : null;
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static String state(Channel channel) {
        if (channel == null) {
            return "no Netty channel";
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return "channel " + channel.id().asShortText() + (channel.isActive() ? " open" : " closed")
                + ", unwritten bytes " + (buffer == null ? "none (no buffer)" : buffer.totalPendingWriteBytes());
    }
}
