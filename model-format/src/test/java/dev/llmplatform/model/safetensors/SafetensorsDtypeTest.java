package dev.llmplatform.model.safetensors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsDtypeTest {

    private static final float[] VALUES = {0f, -0f, 1f, -2.5f, 3.14159265f, 1e-3f, 65504f, 1.00390625f, Float.MIN_NORMAL};

    @ParameterizedTest
    @EnumSource(Dtype.class)
    void shouldReadBackWhatItWroteRoundedToTheDtype(Dtype dtype, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.tensor("x", VALUES, 3, 3).as(dtype)), Map.of());

        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertThat(r.entry("x").dtype()).isEqualTo(dtype.name());
            float[] back = r.floats("x");
            for (int i = 0; i < VALUES.length; i++) {
                assertThat(back[i]).isEqualTo(dtype.round(VALUES[i]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dtype.class)
    void shouldReadATensorTransposedStraightFromTheFile(Dtype dtype, @TempDir Path dir) throws IOException {
        int rows = 70;   // more than one 64-wide tile each way, and not a multiple of it
        int cols = 131;
        float[] m = new float[rows * cols];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) Math.sin(i);
        }
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.tensor("m", m, rows, cols).as(dtype)), Map.of());

        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            float[] plain = r.floats("m");
            float[] t = r.floatsTransposed("m");
            for (int row = 0; row < rows; row++) {
                for (int col = 0; col < cols; col++) {
                    assertThat(t[col * rows + row]).isEqualTo(plain[row * cols + col]);
                }
            }
        }
    }

    @Test
    void shouldRoundToNearestEvenInBfloat16() {
        // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even one, 1.
        assertThat(Dtype.BF16.round(1.00390625f)).isEqualTo(1f);
        assertThat(Dtype.BF16.round(1.01171875f)).isEqualTo(1.015625f);   // 1 + 3·2^-8 → 1 + 2^-6 (even)
        assertThat(Dtype.BF16.round(3.14159265f)).isEqualTo(3.140625f);
        assertThat(Dtype.F16.round(65504f)).isEqualTo(65504f);
        assertThat(Float.isNaN(Dtype.BF16.round(Float.NaN))).isTrue();
    }

    @Test
    void shouldNameTheFileAndTensorForAnUnreadableDtype(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafetensorsWriter.write(file, List.of(SafetensorsWriter.tensor("x", VALUES, 9)), Map.of());
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\"F32\"", "\"I32\"");
        java.nio.file.Files.write(file, text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertThatThrownBy(() -> r.floats("x")).isInstanceOf(IOException.class)
                    .hasMessage(file + ": tensor x is I32; only F32, F16 and BF16 are read");
        }
    }
}
