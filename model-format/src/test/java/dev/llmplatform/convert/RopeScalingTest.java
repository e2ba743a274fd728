package dev.llmplatform.convert;

import dev.llmplatform.onnx.DecoderSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RopeScalingTest {

    @Test
    void shouldKeepHighFrequenciesDivideLowOnesAndBlendTheMiddleLikeLlama3() {
        // theta 500000, head dim 16, original context 64, factor 8, low 1, high 4: wavelengths below 16
        // are kept, above 64 divided by 8, in between blended (the fixture's setting).
        float[] base = DecoderSpec.defaultInvFreq(500000, 16);
        float[] scaled = RopeScaling.llama3(base, 8, 1, 4, 64);

        assertThat(scaled[0]).isEqualTo(base[0]);                                     // wavelength 2π: kept
        double wavelen1 = 2 * Math.PI / base[1];                                      // about 32: medium
        assertThat(wavelen1).isBetween(16.0, 64.0);
        double smooth = (64 / wavelen1 - 1) / (4 - 1);
        assertThat((double) scaled[1]).isCloseTo((1 - smooth) * base[1] / 8 + smooth * base[1], within(1e-7));
        for (int i = 2; i < base.length; i++) {
            assertThat((double) scaled[i]).isCloseTo(base[i] / 8.0, within(1e-9));  // long wavelengths: / factor
        }
    }

    @Test
    void shouldDivideEveryFrequencyForLinearScaling() {
        float[] base = DecoderSpec.defaultInvFreq(10000, 8);
        float[] scaled = RopeScaling.linear(base, 2);

        for (int i = 0; i < base.length; i++) {
            assertThat(scaled[i]).isEqualTo(base[i] / 2);
        }
    }
}
