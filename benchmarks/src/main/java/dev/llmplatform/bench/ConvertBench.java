package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.convert.CheckpointConverter;
import dev.llmplatform.convert.ConversionResult;
import dev.llmplatform.convert.WeightFormat;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.ExecutionDevice;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.safetensors.Dtype;
import dev.llmplatform.model.safetensors.SafetensorsWriter;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Converting a Hugging Face checkpoint of real size: writes a Qwen2.5-0.5B-shaped checkpoint (hidden 896,
 * 24 layers, 14 heads, 2 kv heads, intermediate 4864, vocab 151936, tied, q/k/v biases) with seeded random
 * bf16 weights, streamed to disk a chunk at a time; converts it to fp32, int8 and int4 with
 * {@link CheckpointConverter}, reporting the time of each phase and the peak Java heap; then decodes
 * single-stream with each graph (the engine, as {@link EngineBench} does) beside the bandwidth roofline.
 *
 * <pre>
 * JAVA_OPTS=-Xmx1536m benchmarks/run.sh ConvertBench                 (the heap bound is the point: run it with -Xmx1536m)
 * JAVA_OPTS=-Xmx1536m benchmarks/run.sh ConvertBench --formats=int8 --new=16 --layers=4
 * </pre>
 * Options: {@code --formats=fp32,int8,int4}, {@code --layers=24}, {@code --prompt=16}, {@code --new=32},
 * {@code --threads=2}, {@code --bandwidth-gbs=N} (skip the probe), {@code --dir=PATH} (default: a temporary folder, removed at exit).
 */
public final class ConvertBench {

    private ConvertBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        System.out.println(Args.machineLine());
        System.out.printf("max heap %d MB%n", Runtime.getRuntime().maxMemory() >> 20);
        Path dir = args.string("dir", "").isEmpty() ? BenchModels.tempDir("llm-convert-bench-") : Path.of(args.string("dir", ""));
        Path checkpoint = dir.resolve("qwen2.5-0.5b-shaped");
        ModelConfig config = qwen25Config(args.integer("layers", 24));

        resetPeakHeap();
        long t0 = System.nanoTime();
        long bytes = writeCheckpoint(checkpoint, config);
        System.out.printf("checkpoint: %,d parameters, %.0f MB bf16, written in %.1f s (peak heap %d MB)%n",
                config.parameterCount(), bytes / 1e6, (System.nanoTime() - t0) / 1e9, peakHeapMb());

        List<String> rows = new ArrayList<>();
        List<ConversionResult> results = new ArrayList<>();
        for (String f : args.strings("formats", "fp32,int8,int4")) {
            WeightFormat format = WeightFormat.parse(f);
            System.gc();
            resetPeakHeap();
            PhaseTimer phases = new PhaseTimer();
            ConversionResult r = new CheckpointConverter().convert(checkpoint, dir.resolve("onnx-" + format.id()), format, phases);
            long peak = peakHeapMb();
            results.add(r);
            String row = String.format("| %s | %.1f | %s | %d | %.0f |", format.id(), r.elapsed().toMillis() / 1e3,
                    phases.summary(), peak, r.dataBytes() / 1e6);
            System.out.println(row);
            rows.add(row);
        }
        System.out.println();
        System.out.println("| weights | convert s | phases (s) | peak heap MB | model.onnx.data MB |");
        System.out.println("|---|---|---|---|---|");
        rows.forEach(System.out::println);

        decode(args, config, results);
        System.out.println("# load average at the end: " + Args.loadAverage());
    }

    /** Single-stream greedy decode with each converted graph, beside the roofline at the probed bandwidth. */
    private static void decode(Args args, ModelConfig config, List<ConversionResult> results) throws Exception {
        double gbs = args.decimal("bandwidth-gbs", 0);
        if (gbs <= 0) {
            gbs = BandwidthProbe.measure(256L << 20, Runtime.getRuntime().availableProcessors(), 3).readGbs();
        }
        int prompt = args.integer("prompt", 16);
        int newTokens = args.integer("new", 32);
        System.out.printf("%nsingle stream, prompt %d + %d new tokens, greedy, roofline at %.1f GB/s (read probe)%n",
                prompt, newTokens, gbs);
        System.out.println("| weights | session open s | decode tok/s | MB read / token | roofline tok/s | of roofline |");
        System.out.println("|---|---|---|---|---|---|");
        for (ConversionResult r : results) {
            long t0 = System.nanoTime();
            try (OnnxDecoder decoder = OnnxDecoder.open(r.onnx(), config,
                    new DecoderOptions(ExecutionDevice.CPU, args.integer("threads", 2), 0))) {
                double open = (System.nanoTime() - t0) / 1e9;
                EngineBench.run(decoder, 1, prompt, 4, 1);                     // warm-up
                StreamRecorder.Summary s = EngineBench.run(decoder, 1, prompt, newTokens, 7);
                Roofline roofline = Roofline.of(config, r.format().quantization());
                double past = prompt + (newTokens - 1) / 2.0;
                double bound = roofline.tokensPerSecond(gbs, 1, past);
                System.out.printf("| %s | %.1f | %.1f | %.0f | %.1f | %.0f%% |%n", r.format().id(), open, s.decodeTps(),
                        roofline.bytesPerToken(1, past) / 1e6, bound, 100 * s.decodeTps() / bound);
            }
        }
    }

    /** Qwen2.5-0.5B's config.json, with the layer count adjustable for quick runs. */
    static ModelConfig qwen25Config(int layers) {
        return new ModelConfig("qwen2", List.of("Qwen2ForCausalLM"), layers, 14, 2, 896, 4864, 151936, 32768,
                1000000.0, 1e-6, null, List.of(151643), true, "bfloat16", 0, null);
    }

    /** Writes config.json and model.safetensors (bf16, HF names and [out, in] layout); returns the weight bytes. */
    static long writeCheckpoint(Path dir, ModelConfig c) throws Exception {
        Files.createDirectories(dir);
        int h = c.hidden();
        int kv = c.kvHeads() * c.headDim();
        int inter = c.intermediate();
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        tensors.add(random("model.embed_tokens.weight", 0.02, 0, c.vocabSize(), h));
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            tensors.add(random(p + "input_layernorm.weight", 0.1, 1, h));
            tensors.add(random(p + "self_attn.q_proj.weight", 0.02, 0, h, h));
            tensors.add(random(p + "self_attn.q_proj.bias", 0.02, 0, h));
            tensors.add(random(p + "self_attn.k_proj.weight", 0.02, 0, kv, h));
            tensors.add(random(p + "self_attn.k_proj.bias", 0.02, 0, kv));
            tensors.add(random(p + "self_attn.v_proj.weight", 0.02, 0, kv, h));
            tensors.add(random(p + "self_attn.v_proj.bias", 0.02, 0, kv));
            tensors.add(random(p + "self_attn.o_proj.weight", 0.02, 0, h, h));
            tensors.add(random(p + "post_attention_layernorm.weight", 0.1, 1, h));
            tensors.add(random(p + "mlp.gate_proj.weight", 0.02, 0, inter, h));
            tensors.add(random(p + "mlp.up_proj.weight", 0.02, 0, inter, h));
            tensors.add(random(p + "mlp.down_proj.weight", 0.02, 0, h, inter));
        }
        tensors.add(random("model.norm.weight", 0.1, 1, h));
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        Map<String, Object> json = new LinkedHashMap<>(Messages.mapper().convertValue(c, Map.class));
        json.put("hidden_act", "silu");
        json.put("use_sliding_window", false);
        Files.writeString(dir.resolve("config.json"), Messages.mapper().writeValueAsString(json));
        return tensors.stream().mapToLong(t -> t.elements() * 2).sum();
    }

    /** Uniform values of the given standard deviation around {@code mean}, seeded by name, produced chunk by chunk. */
    private static SafetensorsWriter.Tensor random(String name, double std, double mean, long... shape) {
        SplittableRandom random = new SplittableRandom(BenchModels.SEED ^ name.hashCode());
        double halfWidth = std * Math.sqrt(3);
        return new SafetensorsWriter.Tensor(name, shape, Dtype.BF16, (start, chunk) -> {
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (float) (mean + random.nextDouble(-halfWidth, halfWidth));
            }
        });
    }

    private static void resetPeakHeap() {
        ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** Sum of the heap pools' peaks since the reset: an upper bound of the peak heap in use. */
    private static long peakHeapMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
    }

    /** Wall time per phase from the converter's progress steps: check, embedding, layers, LM head, graph + move. */
    private static final class PhaseTimer implements dev.llmplatform.convert.ConversionProgress {
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private String phase = "config";
        private long since = System.nanoTime();
        private boolean layersSeen;

        @Override
        public void update(double fraction, String step) {
            String next = phaseOf(step);
            layersSeen |= next.equals("layers");
            if (layersSeen && next.equals("embed")) {
                next = "tied head quantized";
            }
            if (!next.equals(phase)) {
                long now = System.nanoTime();
                seconds.merge(phase, (now - since) / 1e9, Double::sum);
                phase = next;
                since = now;
            }
        }

        private static String phaseOf(String step) {
            if (step.startsWith("converting model.embed_tokens")) {
                return "embed";
            }
            if (step.startsWith("converting model.layers")) {
                return "layers";
            }
            if (step.startsWith("converting")) {
                return "norm+head+graph";
            }
            return switch (step) {
                case "checking tensors" -> "check";
                case "moving into place" -> "move";
                case "done" -> "done";
                default -> "config";
            };
        }

        String summary() {
            StringBuilder out = new StringBuilder();
            seconds.forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(String.format("%s %.1f", k, v)));
            return out.toString();
        }
    }
}
