package dev.llmplatform.bench;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.binary.StepCodec;
import dev.llmplatform.topics.Topics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * JSON against the binary step records on the token path, one engine step of N streams with one new token
 * each (what 16 streams put on the wire every step): bytes, encode and decode time per token, for
 * (1) one JSON record per request, what the path sent before; (2) the same step as one JSON document
 * (batching alone); (3) one binary step record. Token side ({@link TokenStep}) and reply side
 * ({@link ReplyStep} of Deltas) both. A plain timing loop (no JMH): warm-up, then the median of repeats.
 *
 * <pre>
 * benchmarks/run.sh StepCodecBench --streams=16 --repeat=7
 * </pre>
 */
public final class StepCodecBench {

    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private StepCodecBench() {
    }

    public static void main(String[] argv) {
        Args args = new Args(argv);
        int streams = args.integer("streams", 16);
        int repeat = args.integer("repeat", 7);
        System.out.println(Args.machineLine());
        TokenStep tokens = tokenStep(streams);
        ReplyStep replies = replyStep(streams);
        System.out.printf("%n%d streams, one token each per step; per token: bytes, encode µs, decode µs (median of %d)%n",
                streams, repeat);
        System.out.println("| record | encoding | bytes/token | encode µs/token | decode µs/token |");
        System.out.println("|---|---|---|---|---|");
        row("token events", "JSON, one record per request", streams, repeat,
                () -> tokens.items().stream().map(i -> Messages.toJson(i.event()).getBytes(StandardCharsets.UTF_8)).toList(),
                records -> records.forEach(r -> Messages.fromJson(new String(r, StandardCharsets.UTF_8), TokenEvent.class)));
        row("token events", "JSON, one document per step", streams, repeat,
                () -> List.of(Messages.toJson(tokens).getBytes(StandardCharsets.UTF_8)),
                records -> records.forEach(r -> Messages.fromJson(new String(r, StandardCharsets.UTF_8), TokenStep.class)));
        row("token events", "binary TokenStep", streams, repeat,
                () -> List.of(StepCodec.encode(tokens)), records -> records.forEach(StepCodec::decodeTokenStep));
        row("text deltas", "JSON, one record per request", streams, repeat,
                () -> replies.items().stream().map(i -> Messages.toJson(i.event()).getBytes(StandardCharsets.UTF_8)).toList(),
                records -> records.forEach(r -> Messages.fromJson(new String(r, StandardCharsets.UTF_8), GenerationEvent.class)));
        row("text deltas", "binary ReplyStep", streams, repeat,
                () -> List.of(StepCodec.encode(replies)), records -> records.forEach(StepCodec::decodeReplyStep));
    }

    interface Decode {
        void run(List<byte[]> records);
    }

    private static void row(String record, String encoding, int streams, int repeat, Supplier<List<byte[]>> encode, Decode decode) {
        List<byte[]> sample = encode.get();
        long bytes = sample.stream().mapToLong(b -> b.length).sum();
        int iterations = 20_000;
        for (int i = 0; i < iterations; i++) {   // warm-up
            decode.run(encode.get());
        }
        double[] enc = new double[repeat];
        double[] dec = new double[repeat];
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            List<List<byte[]>> made = new ArrayList<>(iterations / 10);
            for (int i = 0; i < iterations / 10; i++) {
                made.add(encode.get());
            }
            long t1 = System.nanoTime();
            for (List<byte[]> records : made) {
                decode.run(records);
            }
            long t2 = System.nanoTime();
            enc[r] = (t1 - t0) / 1e3 / (iterations / 10.0) / streams;
            dec[r] = (t2 - t1) / 1e3 / (iterations / 10.0) / streams;
        }
        System.out.printf("| %s | %s | %.0f | %.2f | %.2f |%n", record, encoding, (double) bytes / streams, median(enc), median(dec));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static TokenStep tokenStep(int streams) {
        List<TokenStep.Item> items = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            DecodeContext decode = new DecodeContext("starter", "1", new ReplyTo(Topics.GENERATION_EVENTS.name(), 0),
                    List.of(), true, 4, 32);
            TokenEvent event = new TokenEvent(1, "cmpl-" + UUID.randomUUID(), 40, List.of(300 + s),
                    List.of(101, 202, 303, 404), null, null, null, null, null, decode, null);
            items.add(new TokenStep.Item(event, TRACE, null));
        }
        return TokenStep.of(items);
    }

    private static ReplyStep replyStep(int streams) {
        List<ReplyStep.Item> items = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            items.add(new ReplyStep.Item(new GenerationEvent.Delta(1, "cmpl-" + UUID.randomUUID(), " the",
                    List.of(300 + s), null, null, 40), TRACE, null));
        }
        return ReplyStep.of(items);
    }
}
