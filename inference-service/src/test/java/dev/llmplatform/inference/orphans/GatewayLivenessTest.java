package dev.llmplatform.inference.orphans;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayLivenessTest {

    private final GatewayLiveness liveness = new GatewayLiveness(5_000, 2_000);

    /** One second passes: this replica hears itself (the broker is there), and the gateways named beat. */
    private void second(long t, int... beating) {
        liveness.heardSelf(t);
        for (int partition : beating) {
            liveness.heardGateway(partition);
        }
    }

    @Test
    void shouldCallAGatewayDeadOnlyOnceItWasSilentForLongerThanTheTimeout() {
        second(0, 1, 2);
        for (long t = 1_000; t <= 5_000; t += 1_000) {
            second(t, 2);
            assertThat(liveness.dead()).as("at %d ms", t).isEmpty();
        }
        second(6_000, 2);
        assertThat(liveness.dead()).containsExactly(1);
    }

    @Test
    void shouldCountNoSilenceWhileThisReplicaDoesNotHearItself() {
        second(0, 1);
        // The broker is away for 20 s: nobody is heard, this replica included.
        assertThat(liveness.dead()).isEmpty();
        // It is back; the gateway's first beat comes two seconds after this replica's.
        second(21_000);
        assertThat(liveness.dead()).isEmpty();
        second(22_000);
        assertThat(liveness.dead()).isEmpty();
        second(23_000, 1);
        for (long t = 23_000; t <= 26_000; t += 1_000) {
            second(t, 1);
            assertThat(liveness.dead()).as("at %d ms", t).isEmpty();
        }
        // Now the gateway itself stops, the broker up.
        for (long t = 27_000; t <= 32_000; t += 1_000) {
            second(t);
        }
        assertThat(liveness.dead()).containsExactly(1);
    }

    @Test
    void shouldNeverJudgeAPartitionNeverHeardFromAndForgiveOneHeardAgain() {
        second(0, 4);
        for (long t = 1_000; t <= 5_000; t += 1_000) {
            second(t);
            liveness.dead();
        }
        second(6_000);
        assertThat(liveness.dead()).containsExactly(4);
        second(7_000, 4);   // a gateway restarted on the same partition
        assertThat(liveness.dead()).isEmpty();
    }
}
