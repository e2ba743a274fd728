package dev.llmplatform.bench;

import dev.llmplatform.inference.engine.onnx.DecoderOptions;
import dev.llmplatform.inference.engine.onnx.OnnxDecoder;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.GraphForm;
import dev.llmplatform.onnx.WeightQuantization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link QuantBench}'s accuracy half: for each variant, {@link EvalLoss} over several texts sampled from the
 * float32 model (seeds 1..{@code --eval-texts}, temperature 1, from BOS): the mean next-token loss against
 * float32's and how often the top token is float32's. Models: {@code --eval-model} (default the trained
 * starter) and a sharper random one ({@code --sharp=layers,heads,kvHeads,hidden,intermediate,vocab,std}),
 * whose logits are far from flat, unlike the GPT-2-sized std-0.02 model's. {@code --eval-form=plain|fused}
 * (default plain); {@code --eval-texts}, {@code --eval-tokens}.
 */
final class QuantEval {

    private QuantEval() {
    }

    static void run(Args args, List<WeightQuantization> variants) throws IOException {
        int texts = args.integer("eval-texts", 8);
        int tokens = args.integer("eval-tokens", 120);
        GraphForm form = GraphForm.valueOf(args.string("eval-form", "plain").toUpperCase(java.util.Locale.ROOT));
        Path dir = BenchModels.tempDir("llm-quanteval-");
        List<BenchModels.Source> models = new ArrayList<>();
        models.add(BenchModels.load(args.string("eval-model", "small"), 0));
        String[] s = args.string("sharp", "4,4,2,256,704,1024,0.1").split(",");
        ModelConfig sharp = ModelConfig.llama(Integer.parseInt(s[0]), Integer.parseInt(s[1]), Integer.parseInt(s[2]),
                Integer.parseInt(s[3]), Integer.parseInt(s[4]), Integer.parseInt(s[5]), 256, 1, 2, true);
        models.add(new BenchModels.Source("sharp-random", RandomLlama.create(sharp, BenchModels.SEED, Double.parseDouble(s[6])),
                "random, std " + s[6]));
        List<String> rows = new ArrayList<>();
        for (BenchModels.Source m : models) {
            System.out.println("# eval model " + m.name() + ": " + m.description());
            EvalLoss.Result[] reference = measure(m, WeightQuantization.NONE, form, dir, texts, tokens, null);
            double fp32 = mean(reference, true);
            for (WeightQuantization q : variants) {
                EvalLoss.Result[] r = q.quantized() ? measure(m, q, form, dir, texts, tokens, reference) : reference;
                double loss = mean(r, true);
                Path file = dir.resolve(m.name() + "-" + q.label() + "-" + form.label() + ".onnx");
                rows.add(String.format("| %s | %s | %.4f | %+.4f ± %.4f | %.1f%% | %.3f |", m.name(), q.label(), loss,
                        loss - fp32, standardError(r, reference), 100 * mean(r, false), Files.size(file) / 1e6));
                System.out.println(rows.getLast() + "  (load " + Args.loadAverage() + ")");
            }
            System.out.printf("# %s: fp32 loss %.4f, ln(vocab) = %.4f, %d texts x %d tokens%n", m.name(), fp32,
                    Math.log(m.weights().config().vocabSize()), texts, tokens);
        }
        System.out.println();
        System.out.println("# " + form.label() + " form; Δ ± the standard error of the mean of the per-text Δs");
        System.out.println("| model | variant | eval loss (nats/token) | Δ vs fp32 | top-1 = fp32 | file MB |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** One text per seed, float32's text when reference is null; every position's logits (either form gives them). */
    private static EvalLoss.Result[] measure(BenchModels.Source m, WeightQuantization q, GraphForm form, Path dir, int texts,
                                             int tokens, EvalLoss.Result[] reference) {
        LlamaWeights w = m.weights();
        Path file = QuantBench.write(w, q, form, dir, m.name());
        EvalLoss.Result[] results = new EvalLoss.Result[texts];
        try (OnnxDecoder decoder = OnnxDecoder.open(file, w.config(), DecoderOptions.cpu(2))) {
            for (int t = 0; t < texts; t++) {
                results[t] = EvalLoss.measure(decoder, w.config().bosTokenId(), tokens,
                        reference == null ? null : reference[t].reference(), t + 1);
            }
        }
        return results;
    }

    /** How far the mean Δ could move with other texts: the per-text Δs' standard deviation / sqrt(texts). */
    private static double standardError(EvalLoss.Result[] results, EvalLoss.Result[] reference) {
        int n = results.length;
        double[] d = new double[n];
        double mean = 0;
        for (int t = 0; t < n; t++) {
            d[t] = results[t].loss() - reference[t].loss();
            mean += d[t] / n;
        }
        double squares = 0;
        for (double x : d) {
            squares += (x - mean) * (x - mean);
        }
        return n < 2 ? 0 : Math.sqrt(squares / (n - 1) / n);
    }

    private static double mean(EvalLoss.Result[] results, boolean loss) {
        double sum = 0;
        for (EvalLoss.Result r : results) {
            sum += loss ? r.loss() : r.agreement();
        }
        return sum / results.length;
    }
}
