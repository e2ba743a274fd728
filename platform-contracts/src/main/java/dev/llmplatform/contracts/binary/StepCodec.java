package dev.llmplatform.contracts.binary;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The binary form of the two hot internal records, {@link TokenStep} and {@link ReplyStep}: a
 * hand-laid, versioned layout of varints, length-prefixed UTF-8 and little-endian doubles, 3–6× smaller
 * than their JSON and several times cheaper to write and read (numbers: {@code docs/benchmarks.md},
 * {@code StepCodecBench}). Public topics stay JSON.
 *
 * <pre>
 * byte    0x00 magic (a JSON record starts with '{' or blank, never 0x00)
 * byte    kind: 1 TokenStep, 2 ReplyStep
 * varint  schema version
 * varint  n, then n headers: requestId (TokenStep: + reply topic, reply partition)
 * n bodies, one per header, in the same order (layout per version, below)
 * </pre>
 * The header is laid out the same in every version, so a reader can always name the requests of a
 * record whose body it cannot read ({@link #names}): a poison step record fails exactly those requests.
 * An unreadable record, an unknown kind or a newer version than this reader knows is a
 * {@link PoisonMessageException}.
 */
public final class StepCodec {

    public static final byte MAGIC = 0x00;
    static final int KIND_TOKEN_STEP = 1;
    static final int KIND_REPLY_STEP = 2;

    // TokenEvent body flags
    private static final int T_LOGPROBS = 1, T_FINISH = 2, T_USAGE = 4, T_TIMINGS = 8, T_ERROR = 16,
            T_PROMPT_LOGPROBS = 32, T_STREAM = 64, T_VERSION = 128;
    // GenerationEvent body kinds and flags
    private static final int DELTA = 1, COMPLETED = 2, FAILED = 3;
    private static final int G_LOGPROBS = 1, G_PROMPT_LOGPROBS = 2, G_USAGE = 4, G_TIMINGS = 8, G_STOP_SEQUENCE = 16,
            G_OFFSET = 32;

    /** A request a step record is about, read from its header; {@code replyTo} is null in a {@link ReplyStep}. */
    public record Named(String requestId, ReplyTo replyTo) {
    }

    private StepCodec() {
    }

    /** True when the record is in this binary form (else it is JSON). */
    public static boolean isBinary(byte[] record) {
        return record != null && record.length > 0 && record[0] == MAGIC;
    }

    public static byte[] encode(TokenStep step) {
        BinaryWriter out = new BinaryWriter(64 + 48 * step.items().size());
        out.writeByte(MAGIC);
        out.writeByte(KIND_TOKEN_STEP);
        out.writeVarInt(step.schemaVersion());
        out.writeVarInt(step.items().size());
        for (TokenStep.Item item : step.items()) {
            TokenEvent e = item.event();
            out.writeString(e.requestId());
            out.writeString(e.decode().replyTo().topic());
            out.writeVarInt(e.decode().replyTo().partition());
        }
        for (TokenStep.Item item : step.items()) {
            writeTokenEvent(out, item);
        }
        return out.toByteArray();
    }

    public static byte[] encode(ReplyStep step) {
        BinaryWriter out = new BinaryWriter(64 + 48 * step.items().size());
        out.writeByte(MAGIC);
        out.writeByte(KIND_REPLY_STEP);
        out.writeVarInt(step.schemaVersion());
        out.writeVarInt(step.items().size());
        for (ReplyStep.Item item : step.items()) {
            out.writeString(item.event().requestId());
        }
        for (ReplyStep.Item item : step.items()) {
            writeGenerationEvent(out, item);
        }
        return out.toByteArray();
    }

    /**
     * The step as one record, or as several (items in order, halved until each fits) when it would exceed
     * {@code maxBytes}: a step of many streams with long log-probability lists must not outgrow what the
     * producer and the topic accept. An item that alone exceeds it stays one record (Kafka refuses it).
     */
    public static List<byte[]> encodeWithin(TokenStep step, int maxBytes) {
        List<byte[]> out = new ArrayList<>(1);
        split(step.items(), maxBytes, items -> encode(new TokenStep(step.schemaVersion(), items)), out);
        return out;
    }

    /** {@link #encodeWithin(TokenStep, int)} for a reply step. */
    public static List<byte[]> encodeWithin(ReplyStep step, int maxBytes) {
        List<byte[]> out = new ArrayList<>(1);
        split(step.items(), maxBytes, items -> encode(new ReplyStep(step.schemaVersion(), items)), out);
        return out;
    }

    private static <T> void split(List<T> items, int maxBytes, Function<List<T>, byte[]> encode,
                                  List<byte[]> out) {
        byte[] whole = encode.apply(items);
        if (whole.length <= maxBytes || items.size() == 1) {
            out.add(whole);
            return;
        }
        int half = items.size() / 2;
        split(items.subList(0, half), maxBytes, encode, out);
        split(items.subList(half, items.size()), maxBytes, encode, out);
    }

    public static TokenStep decodeTokenStep(byte[] record) {
        try {
            BinaryReader in = new BinaryReader(record);
            int version = readPreamble(in, KIND_TOKEN_STEP, TokenStep.CURRENT_VERSION, "TokenStep");
            int n = in.readCount(3);
            List<String> ids = new ArrayList<>(n);
            List<ReplyTo> replies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readString());
                replies.add(new ReplyTo(in.readString(), in.readVarInt()));
            }
            List<TokenStep.Item> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(readTokenEvent(in, ids.get(i), replies.get(i)));
            }
            requireEnd(in);
            return new TokenStep(version, items);
        } catch (PoisonMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoisonMessageException("unreadable TokenStep: " + e.getMessage(), e);
        }
    }

    public static ReplyStep decodeReplyStep(byte[] record) {
        try {
            BinaryReader in = new BinaryReader(record);
            int version = readPreamble(in, KIND_REPLY_STEP, ReplyStep.CURRENT_VERSION, "ReplyStep");
            int n = in.readCount(1);
            List<String> ids = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(in.readString());
            }
            List<ReplyStep.Item> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(readGenerationEvent(in, ids.get(i)));
            }
            requireEnd(in);
            return new ReplyStep(version, items);
        } catch (PoisonMessageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PoisonMessageException("unreadable ReplyStep: " + e.getMessage(), e);
        }
    }

    /**
     * The requests a binary step record names in its header, whatever its version and whether or not its
     * body is readable; empty when even the header is not (nothing then says whom it concerns).
     */
    public static List<Named> names(byte[] record) {
        try {
            BinaryReader in = new BinaryReader(record);
            if (in.readByte() != (MAGIC & 0xFF)) {
                return List.of();
            }
            int kind = in.readByte();
            if (kind != KIND_TOKEN_STEP && kind != KIND_REPLY_STEP) {
                return List.of();
            }
            in.readVarInt();
            int n = in.readCount(1);
            List<Named> names = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = in.readString();
                names.add(new Named(id, kind == KIND_TOKEN_STEP ? new ReplyTo(in.readString(), in.readVarInt()) : null));
            }
            return names;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static int readPreamble(BinaryReader in, int kind, int current, String type) {
        if (in.readByte() != (MAGIC & 0xFF)) {
            throw new PoisonMessageException("not a binary step record");
        }
        int actual = in.readByte();
        if (actual != kind) {
            throw new PoisonMessageException("expected a " + type + " (kind " + kind + "), got kind " + actual);
        }
        int version = in.readVarInt();
        if (version < 1 || version > current) {
            throw new PoisonMessageException(type + " schemaVersion " + version + " is not supported (1.." + current + ")");
        }
        return version;
    }

    private static void requireEnd(BinaryReader in) {
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes after the last item");
        }
    }

    // ---- TokenEvent ----

    private static void writeTokenEvent(BinaryWriter out, TokenStep.Item item) {
        TokenEvent e = item.event();
        DecodeContext d = e.decode();
        int flags = (e.logprobs() != null ? T_LOGPROBS : 0) | (e.finishReason() != null ? T_FINISH : 0)
                | (e.usage() != null ? T_USAGE : 0) | (e.timings() != null ? T_TIMINGS : 0)
                | (e.error() != null ? T_ERROR : 0) | (e.promptLogprobs() != null ? T_PROMPT_LOGPROBS : 0)
                | (d.stream() ? T_STREAM : 0) | (d.version() != null ? T_VERSION : 0);
        out.writeVarInt(flags);
        out.writeVarInt(e.offset());
        out.writeInts(e.tokenIds());
        out.writeInts(e.contextTokenIds());
        out.writeString(d.model());
        if (d.version() != null) {
            out.writeString(d.version());
        }
        out.writeStrings(d.stop());
        out.writeVarInt(d.contextTokens());
        out.writeVarInt(d.promptTokens());
        out.writeNullableString(item.traceparent());
        out.writeNullableString(item.tracestate());
        if (e.logprobs() != null) {
            writeTokenLogprobs(out, e.logprobs());
        }
        if (e.finishReason() != null) {
            out.writeVarInt(e.finishReason().ordinal());
        }
        if (e.usage() != null) {
            writeUsage(out, e.usage());
        }
        if (e.timings() != null) {
            writeTimings(out, e.timings());
        }
        if (e.error() != null) {
            writeError(out, e.error());
        }
        if (e.promptLogprobs() != null) {
            writeTokenLogprobs(out, e.promptLogprobs());
        }
    }

    private static TokenStep.Item readTokenEvent(BinaryReader in, String requestId, ReplyTo replyTo) {
        int flags = in.readVarInt();
        int offset = in.readVarInt();
        List<Integer> tokenIds = in.readInts();
        List<Integer> context = in.readInts();
        String model = in.readString();
        String version = (flags & T_VERSION) != 0 ? in.readString() : null;
        List<String> stop = in.readStrings();
        int contextTokens = in.readVarInt();
        int promptTokens = in.readVarInt();
        String traceparent = in.readNullableString();
        String tracestate = in.readNullableString();
        List<TokenLogprob> logprobs = (flags & T_LOGPROBS) != 0 ? readTokenLogprobs(in) : null;
        FinishReason finish = (flags & T_FINISH) != 0 ? finishReason(in.readVarInt()) : null;
        Usage usage = (flags & T_USAGE) != 0 ? readUsage(in) : null;
        Timings timings = (flags & T_TIMINGS) != 0 ? readTimings(in) : null;
        ErrorInfo error = (flags & T_ERROR) != 0 ? readError(in) : null;
        List<TokenLogprob> promptLogprobs = (flags & T_PROMPT_LOGPROBS) != 0 ? readTokenLogprobs(in) : null;
        DecodeContext decode = new DecodeContext(model, version, replyTo, stop, (flags & T_STREAM) != 0,
                contextTokens, promptTokens);
        TokenEvent event = new TokenEvent(TokenEvent.CURRENT_VERSION, requestId, offset, tokenIds, context, logprobs,
                finish, usage, timings, error, decode, promptLogprobs);
        return new TokenStep.Item(event, traceparent, tracestate);
    }

    private static void writeTokenLogprobs(BinaryWriter out, List<TokenLogprob> logprobs) {
        out.writeVarInt(logprobs.size());
        for (TokenLogprob lp : logprobs) {
            out.writeVarInt(lp.tokenId());
            out.writeDouble(lp.logprob());
            out.writeVarInt(lp.top().size());
            for (TokenLogprob.Alternative alt : lp.top()) {
                out.writeVarInt(alt.tokenId());
                out.writeDouble(alt.logprob());
            }
        }
    }

    private static List<TokenLogprob> readTokenLogprobs(BinaryReader in) {
        int n = in.readCount(10);
        List<TokenLogprob> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = in.readVarInt();
            double lp = in.readDouble();
            int m = in.readCount(9);
            List<TokenLogprob.Alternative> top = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                top.add(new TokenLogprob.Alternative(in.readVarInt(), in.readDouble()));
            }
            list.add(new TokenLogprob(id, lp, top));
        }
        return list;
    }

    // ---- GenerationEvent (Delta, Completed, Failed) ----

    private static void writeGenerationEvent(BinaryWriter out, ReplyStep.Item item) {
        switch (item.event()) {
            case GenerationEvent.Delta d -> {
                out.writeByte(DELTA);
                out.writeVarInt((d.logprobs() != null ? G_LOGPROBS : 0) | (d.promptLogprobs() != null ? G_PROMPT_LOGPROBS : 0)
                        | (d.offset() != null ? G_OFFSET : 0));
                out.writeString(d.text());
                out.writeInts(d.tokenIds());
                if (d.logprobs() != null) {
                    writeEntries(out, d.logprobs());
                }
                if (d.promptLogprobs() != null) {
                    writeEntries(out, d.promptLogprobs());
                }
                if (d.offset() != null) {
                    out.writeVarInt(d.offset());
                }
            }
            case GenerationEvent.Completed c -> {
                out.writeByte(COMPLETED);
                out.writeVarInt((c.logprobs() != null ? G_LOGPROBS : 0) | (c.promptLogprobs() != null ? G_PROMPT_LOGPROBS : 0)
                        | (c.usage() != null ? G_USAGE : 0) | (c.timings() != null ? G_TIMINGS : 0)
                        | (c.stopSequence() != null ? G_STOP_SEQUENCE : 0));
                out.writeString(c.text());
                out.writeInts(c.tokenIds());
                out.writeVarInt(c.finishReason().ordinal());
                if (c.logprobs() != null) {
                    writeEntries(out, c.logprobs());
                }
                if (c.promptLogprobs() != null) {
                    writeEntries(out, c.promptLogprobs());
                }
                if (c.usage() != null) {
                    writeUsage(out, c.usage());
                }
                if (c.timings() != null) {
                    writeTimings(out, c.timings());
                }
                if (c.stopSequence() != null) {
                    out.writeString(c.stopSequence());
                }
            }
            case GenerationEvent.Failed f -> {
                out.writeByte(FAILED);
                writeError(out, f.error());
            }
            default -> throw new IllegalArgumentException("not a stream event: " + item.event().getClass().getSimpleName());
        }
        out.writeNullableString(item.traceparent());
        out.writeNullableString(item.tracestate());
    }

    private static ReplyStep.Item readGenerationEvent(BinaryReader in, String requestId) {
        int v = GenerationEvent.CURRENT_VERSION;
        int kind = in.readByte();
        GenerationEvent event = switch (kind) {
            case DELTA -> {
                int flags = in.readVarInt();
                String text = in.readString();
                List<Integer> ids = in.readInts();
                var logprobs = (flags & G_LOGPROBS) != 0 ? readEntries(in) : null;
                var prompt = (flags & G_PROMPT_LOGPROBS) != 0 ? readEntries(in) : null;
                Integer offset = (flags & G_OFFSET) != 0 ? in.readVarInt() : null;
                yield new GenerationEvent.Delta(v, requestId, text, ids, logprobs, prompt, offset);
            }
            case COMPLETED -> {
                int flags = in.readVarInt();
                String text = in.readString();
                List<Integer> ids = in.readInts();
                FinishReason reason = finishReason(in.readVarInt());
                var logprobs = (flags & G_LOGPROBS) != 0 ? readEntries(in) : null;
                var prompt = (flags & G_PROMPT_LOGPROBS) != 0 ? readEntries(in) : null;
                Usage usage = (flags & G_USAGE) != 0 ? readUsage(in) : null;
                Timings timings = (flags & G_TIMINGS) != 0 ? readTimings(in) : null;
                String stop = (flags & G_STOP_SEQUENCE) != 0 ? in.readString() : null;
                yield new GenerationEvent.Completed(v, requestId, text, ids, logprobs, reason, usage, timings, prompt, stop);
            }
            case FAILED -> new GenerationEvent.Failed(v, requestId, readError(in));
            default -> throw new IllegalArgumentException("unknown event kind " + kind);
        };
        return new ReplyStep.Item(event, in.readNullableString(), in.readNullableString());
    }

    private static void writeEntries(BinaryWriter out, List<GenerationEvent.LogprobEntry> entries) {
        out.writeVarInt(entries.size());
        for (GenerationEvent.LogprobEntry e : entries) {
            out.writeNullableString(e.token());
            out.writeVarInt(e.tokenId());
            out.writeDouble(e.logprob());
            List<GenerationEvent.LogprobEntry.Alternative> top = e.top() == null ? List.of() : e.top();
            out.writeVarInt(top.size());
            for (GenerationEvent.LogprobEntry.Alternative alt : top) {
                out.writeNullableString(alt.token());
                out.writeVarInt(alt.tokenId());
                out.writeDouble(alt.logprob());
            }
        }
    }

    private static List<GenerationEvent.LogprobEntry> readEntries(BinaryReader in) {
        int n = in.readCount(11);
        List<GenerationEvent.LogprobEntry> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String token = in.readNullableString();
            int id = in.readVarInt();
            double lp = in.readDouble();
            int m = in.readCount(10);
            List<GenerationEvent.LogprobEntry.Alternative> top = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                top.add(new GenerationEvent.LogprobEntry.Alternative(in.readNullableString(), in.readVarInt(), in.readDouble()));
            }
            list.add(new GenerationEvent.LogprobEntry(token, id, lp, top));
        }
        return list;
    }

    // ---- shared parts ----

    private static FinishReason finishReason(int ordinal) {
        FinishReason[] values = FinishReason.values();
        if (ordinal < 0 || ordinal >= values.length) {
            throw new IllegalArgumentException("unknown finish reason " + ordinal);
        }
        return values[ordinal];
    }

    private static void writeUsage(BinaryWriter out, Usage usage) {
        out.writeVarInt(usage.promptTokens());
        out.writeVarInt(usage.completionTokens());
    }

    private static Usage readUsage(BinaryReader in) {
        return new Usage(in.readVarInt(), in.readVarInt());
    }

    private static void writeTimings(BinaryWriter out, Timings t) {
        out.writeDouble(t.queueMs());
        out.writeDouble(t.timeToFirstTokenMs());
        out.writeDouble(t.totalMs());
    }

    private static Timings readTimings(BinaryReader in) {
        return new Timings(in.readDouble(), in.readDouble(), in.readDouble());
    }

    private static void writeError(BinaryWriter out, ErrorInfo error) {
        out.writeVarInt(error.status());
        out.writeNullableString(error.type());
        out.writeNullableString(error.message());
        out.writeNullableString(error.param());
        out.writeNullableString(error.code());
    }

    private static ErrorInfo readError(BinaryReader in) {
        return new ErrorInfo(in.readVarInt(), in.readNullableString(), in.readNullableString(),
                in.readNullableString(), in.readNullableString());
    }
}
