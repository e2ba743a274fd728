package dev.llmplatform.inference.analysis;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The pretrained all-MiniLM-L6-v2 (graph and tokenizer from the test classpath, as the launcher
 * installs them), opened once for every test that needs it: loading takes seconds on two cores.
 */
final class MiniLm {

    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private static Path dir;
    private static EncoderSession session;
    private static HuggingFaceTokenizer tokenizer;

    private MiniLm() {
    }

    /** A folder holding {@code model.onnx} and {@code tokenizer.json}. */
    static synchronized Path files() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("minilm");
                copy(MODEL_RESOURCE, dir.resolve("model.onnx"));
                copy(TOKENIZER_RESOURCE, dir.resolve("tokenizer.json"));
                dir.toFile().deleteOnExit();
                dir.resolve("model.onnx").toFile().deleteOnExit();
                dir.resolve("tokenizer.json").toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static synchronized EncoderSession session() {
        if (session == null) {
            session = EncoderSession.open(files().resolve("model.onnx"), DecoderOptions.cpu(2));
        }
        return session;
    }

    /** [CLS] … [SEP] ids, no padding or truncation: what the tokenizer-service sends. */
    static synchronized int[] encode(String text) {
        if (tokenizer == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
            try {
                tokenizer = HuggingFaceTokenizer.newInstance(files().resolve("tokenizer.json"),
                        Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false",
                                "maxLength", "512", "modelMaxLength", "512"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    static List<int[]> encode(String... texts) {
        return Arrays.stream(texts).map(MiniLm::encode).toList();
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
