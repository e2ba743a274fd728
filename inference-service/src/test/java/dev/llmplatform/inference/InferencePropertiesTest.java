package dev.llmplatform.inference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InferencePropertiesTest {

    private static InferenceProperties bind(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("llm.inference.model-store", "/tmp/models");
        return new Binder(new MapConfigurationPropertySource(all))
                .bindOrCreate("llm.inference", Bindable.of(InferenceProperties.class));
    }

    @Test
    void onnxRuntimeWorkersSpinByDefaultAsOnnxRuntimeItselfDoes() {
        InferenceProperties defaults = bind(Map.of());

        assertThat(defaults.spinning()).isTrue();
        assertThat(defaults.decoderOptions().spinning()).isTrue();
    }

    @Test
    void spinningCanBeTurnedOffForSharedCores() {
        InferenceProperties off = bind(Map.of("llm.inference.spinning", "false", "llm.inference.intra-op-threads", "2"));

        assertThat(off.decoderOptions().spinning()).isFalse();
        assertThat(off.decoderOptions().intraOpThreads()).isEqualTo(2);
    }
}
