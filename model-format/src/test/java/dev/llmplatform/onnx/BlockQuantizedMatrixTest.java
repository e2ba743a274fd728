package dev.llmplatform.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.llmplatform.onnx.OnnxGraphBuilder.Dim;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.llmplatform.onnx.OnnxGraphBuilder.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BlockQuantizedMatrixTest {

    @Test
    void shouldPackInt4CodesLowNibbleFirstPerOutputColumn() {
        // K = 32 (one block), N = 2; column 0 holds -7..7 (scale 1), column 1 holds twice that.
        int k = 32;
        float[] w = new float[k * 2];
        for (int row = 0; row < k; row++) {
            w[row * 2] = row % 15 - 7;
            w[row * 2 + 1] = 2 * (row % 15 - 7);
        }
        BlockQuantizedMatrix q = BlockQuantizedMatrix.quantizeInOut(w, k, 2, 4, 32, true);

        assertThat(q.scales()).containsExactly(1f, 2f);
        assertThat(q.packed()).hasSize(2 * 16);
        for (int j = 0; j < 16; j++) {
            int low = (2 * j) % 15 - 7 + 8;
            int high = (2 * j + 1) % 15 - 7 + 8;
            assertThat(q.packed()[j] & 0xFF).as("column 0 byte " + j).isEqualTo(low | high << 4);
            assertThat(q.packed()[16 + j] & 0xFF).as("column 1 byte " + j).isEqualTo(low | high << 4);
        }
    }

    @ParameterizedTest(name = "bits={0} symmetric={1}")
    @CsvSource({"8,true", "8,false", "4,true", "4,false"})
    void shouldDequantizeWithinHalfAStepOfTheOriginal(int bits, boolean symmetric) {
        int k = 100;  // not a multiple of the block: the last block is padded
        int n = 7;
        float[] w = gaussian(k * n, 1);
        BlockQuantizedMatrix q = BlockQuantizedMatrix.quantizeInOut(w, k, n, bits, 32, symmetric);
        float[] back = q.dequantizeInOut();

        for (int row = 0; row < k; row++) {
            for (int col = 0; col < n; col++) {
                float step = Math.abs(q.scales()[col * q.kBlocks() + row / 32]);
                assertThat(Math.abs(back[row * n + col] - w[row * n + col]))
                        .as("element %d,%d", row, col).isLessThanOrEqualTo(step / 2 + 1e-6f);
            }
        }
        assertThat(q.zeroPoints() == null).isEqualTo(symmetric);
    }

    @Test
    void shouldLoseLessWithZeroPointsWhenABlockIsNotCentredOnZero() {
        float[] w = new float[64];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5f + i / 64f;  // all positive: symmetric codes waste the negative half
        }
        double symmetricError = maxError(w, BlockQuantizedMatrix.quantizeInOut(w, 64, 1, 4, 32, true));
        double asymmetricError = maxError(w, BlockQuantizedMatrix.quantizeInOut(w, 64, 1, 4, 32, false));

        assertThat(asymmetricError).isLessThan(symmetricError * 0.75);
    }

    @Test
    void shouldReadTheSameMatrixFromOutInLayout() {
        int k = 48;
        int n = 5;
        float[] inOut = gaussian(k * n, 3);
        float[] outIn = new float[k * n];
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < n; col++) {
                outIn[col * k + row] = inOut[row * n + col];
            }
        }
        BlockQuantizedMatrix a = BlockQuantizedMatrix.quantizeInOut(inOut, k, n, 4, 16, false);
        BlockQuantizedMatrix b = BlockQuantizedMatrix.quantizeOutIn(outIn, k, n, 4, 16, false);

        assertThat(b.packed()).isEqualTo(a.packed());
        assertThat(b.scales()).isEqualTo(a.scales());
        assertThat(b.zeroPoints()).isEqualTo(a.zeroPoints());
    }

    /** The oracle for the packing: ONNX Runtime's own MatMulNBits must compute A · dequantize(B). */
    @ParameterizedTest(name = "bits={0} symmetric={1} K={2}")
    @CsvSource({"8,true,64", "8,false,80", "4,true,64", "4,false,80"})
    void shouldMatchOnnxRuntimeMatMulNBits(int bits, boolean symmetric, int k) throws OrtException {
        int m = 3;
        int n = 24;
        BlockQuantizedMatrix q = BlockQuantizedMatrix.quantizeInOut(gaussian(k * n, 5), k, n, bits, 32, symmetric);
        float[] a = gaussian(m * k, 7);
        float[] expected = matmul(a, q.dequantizeInOut(), m, k, n);

        OnnxGraphBuilder g = new OnnxGraphBuilder("matmulnbits");
        g.input("A", DataType.FLOAT, Dim.named("m"), Dim.of(k));
        String b = g.rawInitializer("B", DataType.UINT8, ByteBuffer.wrap(q.packed()), q.packed().length,
                n, q.kBlocks(), q.blobSize());
        String scales = g.floatInitializer("scales", q.scales(), q.scales().length);
        List<String> inputs = q.zeroPoints() == null ? List.of("A", b, scales)
                : List.of("A", b, scales, g.rawInitializer("zp", DataType.UINT8, ByteBuffer.wrap(q.zeroPoints()),
                q.zeroPoints().length, q.zeroPoints().length));
        g.node("com.microsoft", "MatMulNBits", List.of("Y"), inputs,
                attr("K", k), attr("N", n), attr("bits", bits), attr("block_size", 32));
        g.output("Y", DataType.FLOAT, Dim.named("m"), Dim.of(n));
        byte[] model = g.build("test", "1", List.of(new OnnxGraphBuilder.Opset("", 17),
                new OnnxGraphBuilder.Opset("com.microsoft", 1)), Map.of()).toByteArray();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(a), new long[] {m, k});
             OrtSession.Result result = session.run(Map.of("A", input))) {
            float[][] y = (float[][]) result.get(0).getValue();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertThat(y[i][j]).as("Y[%d][%d]", i, j).isCloseTo(expected[i * n + j],
                            within(1e-3f));
                }
            }
        }
    }

    private static double maxError(float[] w, BlockQuantizedMatrix q) {
        float[] back = q.dequantizeInOut();
        double max = 0;
        for (int i = 0; i < w.length; i++) {
            max = Math.max(max, Math.abs(back[i] - w[i]));
        }
        return max;
    }

    static float[] gaussian(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static float[] matmul(float[] a, float[] w, int m, int k, int n) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int t = 0; t < k; t++) {
                    sum += (double) a[i * k + t] * w[t * n + j];
                }
                y[i * n + j] = (float) sum;
            }
        }
        return y;
    }
}
