package dev.llmplatform.gateway.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-client token buckets: each client may spend {@code perMinute} units a minute, refilled
 * continuously, with a burst of up to one minute's worth. Never blocks: a request that does not fit
 * is told how long to wait. Buckets of idle clients are dropped once full again, so the map stays
 * as small as the set of recently active clients.
 */
public final class RateLimiter {

    private static final long NANOS_PER_MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final int SWEEP_ABOVE = 1024;

    private final long perMinute;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(long perMinute, LongSupplier nanoClock) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("perMinute must be > 0");
        }
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
    }

    public long perMinute() {
        return perMinute;
    }

    /**
     * Takes {@code amount} units from the client's bucket when they are there: {@link Duration#ZERO}.
     * Otherwise takes nothing and answers how long until they will be; an amount above
     * {@link #perMinute()} never fits and is refused by the caller before it gets here.
     */
    public Duration tryAcquire(String client, long amount) {
        if (amount > perMinute) {
            throw new IllegalArgumentException("amount " + amount + " exceeds the limit " + perMinute);
        }
        long now = nanoClock.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(client, ignored -> new Bucket(perMinute, now));
        return bucket.tryTake(amount, now);
    }

    /**
     * Gives back units taken and not used (a generation that ended before its {@code max_tokens}); never more than
     * a full bucket. A client whose bucket is gone (full again, swept) gets nothing back: it has all there is.
     */
    public void refund(String client, long amount) {
        Bucket bucket = buckets.get(client);
        if (bucket != null && amount > 0) {
            bucket.give(amount, nanoClock.getAsLong());
        }
    }

    /** One client's bucket; a short lock, never held across I/O. */
    private final class Bucket {
        private double available;
        private long updatedNanos;

        Bucket(double available, long now) {
            this.available = available;
            this.updatedNanos = now;
        }

        synchronized Duration tryTake(long amount, long now) {
            refill(now);
            if (available >= amount) {
                available -= amount;
                return Duration.ZERO;
            }
            double missing = amount - available;
            return Duration.ofNanos((long) Math.ceil(missing * NANOS_PER_MINUTE / perMinute));
        }

        synchronized void give(long amount, long now) {
            refill(now);
            available = Math.min(perMinute, available + amount);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return available >= perMinute;
        }

        private void refill(long now) {
            long elapsed = now - updatedNanos;
            if (elapsed > 0) {
                available = Math.min(perMinute, available + (double) elapsed * perMinute / NANOS_PER_MINUTE);
                updatedNanos = now;
            }
        }
    }
}
