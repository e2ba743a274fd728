package dev.llmplatform.inference.engine.onnx;

import ai.onnxruntime.OrtEnvironment;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.testing.TinyLlama;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a SIGTERM does to a running engine: ONNX Runtime's own shutdown hook releases the native environment
 * while steps still run. Without the pin the steps below abort the JVM (the fork dies: {@code unique_ptr<
 * onnxruntime::Environment>} dereferenced null), as a ServeBench run that was stopped died in {@code OrtSession.run}.
 */
class OrtEnvironmentPinTest {

    @Test
    void shouldKeepSessionsRunningAfterOnnxRuntimesShutdownHookReleasedTheEnvironment() throws Exception {
        try (OnnxDecoder decoder = OnnxDecoder.fromBytes(TinyLlama.onnx(), TinyLlama.CONFIG, DecoderOptions.cpu(2))) {
            assertThat(OrtEnvironmentPin.pin(OrtEnvironment.getEnvironment())).as("pinned").isTrue();
            KvCache first = decoder.newCache(64);
            decoder.step(List.of(first), List.of(new int[]{1, 2, 3}), false);

            runOnnxRuntimesShutdownHook();

            // As an engine thread started after the signal (the crashed one was): a new thread, a new batch.
            CompletableFuture<float[][][]> step = new CompletableFuture<>();
            Thread.ofPlatform().name("inference-engine-after-hook").start(() -> {
                KvCache second = decoder.newCache(64);
                float[][][] logits = null;
                for (int i = 0; i < 10; i++) {
                    logits = decoder.step(List.of(first, second), List.of(new int[]{4 + i}, new int[]{5 + i}), false);
                }
                step.complete(logits);
            });
            assertThat(step.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).hasNumberOfRows(2);
            try (OnnxDecoder opened = TinyLlama.decoder()) {
                assertThat(opened.step(List.of(opened.newCache(8)), List.of(new int[]{1}), false)).hasNumberOfRows(1);
            }
        }
    }

    /** Exactly what the hook ONNX Runtime registered runs: {@code OrtEnvironment.OrtEnvCloser}. */
    private static void runOnnxRuntimesShutdownHook() throws ReflectiveOperationException {
        Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
        api.setAccessible(true);
        Method handle = OrtEnvironment.class.getDeclaredMethod("getNativeHandle");
        handle.setAccessible(true);
        Constructor<?> closer = Class.forName("ai.onnxruntime.OrtEnvironment$OrtEnvCloser")
                .getDeclaredConstructor(long.class, long.class);
        closer.setAccessible(true);
        ((Runnable) closer.newInstance(api.getLong(null), (long) handle.invoke(OrtEnvironment.getEnvironment()))).run();
    }
}
