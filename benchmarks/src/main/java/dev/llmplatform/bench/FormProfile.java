package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;
import dev.llmplatform.inference.engine.kv.KvCache;
import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.WeightQuantization;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * ONNX Runtime's profiler over one stream in each graph form: a prompt, then {@code steps} decode steps;
 * the trace's node events of the decode runs summed by operator type, per step. The profiler slows every node
 * a little, so the totals sit above {@link FormBench}'s step times; the split between operators is the point.
 * With {@code prefills} set, {@code steps} prompts are prefilled instead, each into a new cache, and those runs summed.
 */
final class FormProfile {

    private FormProfile() {
    }

    static void run(BenchModels.Source source, List<String> formats, Path dir, Path out, int prompt, int steps,
                    int threads, int accuracyLevel, boolean prefills) throws IOException {
        Files.createDirectories(out);
        for (String f : formats) {
            WeightQuantization q = BenchModels.quantization(f, accuracyLevel);
            Map<GraphForm, Map<String, Double>> byForm = new TreeMap<>();
            for (GraphForm form : GraphForm.values()) {
                BenchModels.OnnxModel model = BenchModels.write(source.name(), source.weights(), q, form, dir);
                String prefix = out.resolve(f + "-" + form.label()).toString();
                String trace;
                try (OnnxDecoder decoder = OnnxDecoder.open(model.onnx(), model.config(), DecoderOptions.cpu(threads).withSpinning(true).profiled(prefix))) {
                    SplittableRandom random = new SplittableRandom(20261206L);
                    if (prefills) {
                        for (int i = 0; i <= steps; i++) {   // the first one warms up, and is not counted
                            KvCache fresh = decoder.newCache(prompt + 1);
                            decoder.step(List.of(fresh), List.of(random.ints(prompt, 3, decoder.vocabSize()).toArray()), false);
                            fresh.release();
                        }
                    }
                    KvCache cache = decoder.newCache(prompt + steps);
                    decoder.step(List.of(cache), List.of(random.ints(prompt, 3, decoder.vocabSize()).toArray()), false);
                    for (int i = 0; i < steps && !prefills; i++) {
                        decoder.step(List.of(cache), List.of(new int[]{random.nextInt(3, decoder.vocabSize())}), false);
                    }
                    cache.release();
                    trace = decoder.endProfiling();
                }
                byForm.put(form, perStep(Path.of(trace), steps, prefills ? 1 : 0));
            }
            print(q.format() + ", 1 stream, " + (prefills ? steps + " prefills of a " + prompt + "-token prompt"
                    : steps + " decode steps after a " + prompt + "-token prompt"), byForm);
        }
    }

    /** Node time of {@code steps} model runs, the last but {@code skipLast}, by operator type, in ms per run. */
    static Map<String, Double> perStep(Path trace, int steps, int skipLast) throws IOException {
        JsonNode events = Messages.mapper().readTree(Files.readString(trace));
        List<long[]> runs = new ArrayList<>();
        for (JsonNode e : events) {
            if ("Session".equals(e.path("cat").asString("")) && "model_run".equals(e.path("name").asString(""))) {
                runs.add(new long[]{e.path("ts").asLong(), e.path("ts").asLong() + e.path("dur").asLong()});
            }
        }
        runs.sort(Comparator.comparingLong(r -> r[0]));
        int end = runs.size() - skipLast;
        List<long[]> decode = runs.subList(Math.max(0, end - steps), end);
        Map<String, Double> ms = new TreeMap<>();
        double total = 0;
        for (JsonNode e : events) {
            if (!"Node".equals(e.path("cat").asString("")) || !e.path("name").asString("").endsWith("_kernel_time")) {
                continue;
            }
            long ts = e.path("ts").asLong();
            boolean inDecode = decode.stream().anyMatch(r -> ts >= r[0] && ts <= r[1]);
            if (inDecode) {
                double d = e.path("dur").asLong() / 1000.0 / decode.size();
                ms.merge(e.path("args").path("op_name").asString("?"), d, Double::sum);
                total += d;
            }
        }
        double runMs = decode.stream().mapToLong(r -> r[1] - r[0]).sum() / 1000.0 / decode.size();
        ms.put("(all nodes)", total);
        ms.put("(whole run)", runMs);
        return ms;
    }

    private static void print(String title, Map<GraphForm, Map<String, Double>> byForm) {
        Map<String, Double> plain = byForm.get(GraphForm.PLAIN);
        Map<String, Double> fused = byForm.get(GraphForm.FUSED);
        List<String> ops = new ArrayList<>(new java.util.TreeSet<>(plain.keySet()));
        fused.keySet().stream().filter(k -> !plain.containsKey(k)).forEach(ops::add);
        ops.sort(Comparator.comparingDouble((String k) -> -Math.max(plain.getOrDefault(k, 0.0), fused.getOrDefault(k, 0.0))));
        System.out.println();
        System.out.println(title + " (ms per step, ONNX Runtime profiler)");
        System.out.println("| operator | plain | fused |");
        System.out.println("|---|---|---|");
        for (String op : ops) {
            System.out.printf("| %s | %.3f | %.3f |%n", op, plain.getOrDefault(op, 0.0), fused.getOrDefault(op, 0.0));
        }
    }
}
