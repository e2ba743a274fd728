package dev.llmplatform.gateway.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RateLimiter limiter = new RateLimiter(60, now::get);   // one unit a second

    @Test
    void shouldAllowABurstOfOneMinuteThenSayHowLongUntilTheAmountIsBack() {
        assertThat(limiter.tryAcquire("a", 50)).isZero();
        assertThat(limiter.tryAcquire("a", 10)).isZero();

        assertThat(limiter.tryAcquire("a", 3)).isEqualTo(Duration.ofSeconds(3));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(limiter.tryAcquire("a", 3)).as("a refused request takes nothing").isEqualTo(Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(limiter.tryAcquire("a", 3)).isZero();
    }

    @Test
    void shouldKeepClientsApartAndNeverRefillPastOneMinute() {
        assertThat(limiter.tryAcquire("a", 60)).isZero();
        assertThat(limiter.tryAcquire("b", 60)).isZero();

        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(limiter.tryAcquire("a", 60)).isZero();
        assertThat(limiter.tryAcquire("a", 1)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldTakeBackWhatWasNotUsedButNeverPastAFullBucket() {
        assertThat(limiter.tryAcquire("a", 50)).isZero();
        limiter.refund("a", 45);
        assertThat(limiter.tryAcquire("a", 55)).isZero();
        assertThat(limiter.tryAcquire("a", 1)).isEqualTo(Duration.ofSeconds(1));

        limiter.refund("a", 1_000);
        assertThat(limiter.tryAcquire("a", 60)).isZero();
        assertThat(limiter.tryAcquire("a", 1)).as("a refund never fills past one minute").isEqualTo(Duration.ofSeconds(1));
        limiter.refund("nobody", 10);   // no bucket: nothing to give back to
    }

    @Test
    void shouldRoundRetryAfterUpToWholeSecondsAndNeverSayZero() {
        assertThat(LimitErrors.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(LimitErrors.retryAfterSeconds(Duration.ofMillis(2001))).isEqualTo(3);
        assertThat(LimitErrors.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
    }
}
