package dev.llmplatform.contracts.binary;

import dev.llmplatform.contracts.DecodeContext;
import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.FinishReason;
import dev.llmplatform.contracts.GenerationEvent;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.Timings;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;
import dev.llmplatform.contracts.TokenLogprob;
import dev.llmplatform.contracts.Usage;
import java.util.ArrayList;
import java.util.List;

/** How one event of a step record is laid out, token events and generation events alike (see {@link StepCodec}). */
final class EventLayout {

    // TokenEvent body flags
    private static final int T_LOGPROBS = 1, T_FINISH = 2, T_USAGE = 4, T_TIMINGS = 8, T_ERROR = 16,
            T_PROMPT_LOGPROBS = 32, T_STREAM = 64, T_VERSION = 128;
    // GenerationEvent body kinds and flags
    private static final int DELTA = 1, COMPLETED = 2, FAILED = 3;
    private static final int G_LOGPROBS = 1, G_PROMPT_LOGPROBS = 2, G_USAGE = 4, G_TIMINGS = 8, G_STOP_SEQUENCE = 16,
            G_OFFSET = 32;

    private EventLayout() {
    }

    static void writeTokenEvent(BinaryWriter out, TokenStep.Item item) {
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

    static TokenStep.Item readTokenEvent(BinaryReader in, String requestId, ReplyTo replyTo) {
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

    static void writeTokenLogprobs(BinaryWriter out, List<TokenLogprob> logprobs) {
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

    static List<TokenLogprob> readTokenLogprobs(BinaryReader in) {
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

    static void writeGenerationEvent(BinaryWriter out, ReplyStep.Item item) {
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

    static ReplyStep.Item readGenerationEvent(BinaryReader in, String requestId) {
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

    static void writeEntries(BinaryWriter out, List<GenerationEvent.LogprobEntry> entries) {
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

    static List<GenerationEvent.LogprobEntry> readEntries(BinaryReader in) {
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

    static FinishReason finishReason(int ordinal) {
        FinishReason[] values = FinishReason.values();
        if (ordinal < 0 || ordinal >= values.length) {
            throw new IllegalArgumentException("unknown finish reason " + ordinal);
        }
        return values[ordinal];
    }

    static void writeUsage(BinaryWriter out, Usage usage) {
        out.writeVarInt(usage.promptTokens());
        out.writeVarInt(usage.completionTokens());
    }

    static Usage readUsage(BinaryReader in) {
        return new Usage(in.readVarInt(), in.readVarInt());
    }

    static void writeTimings(BinaryWriter out, Timings t) {
        out.writeDouble(t.queueMs());
        out.writeDouble(t.timeToFirstTokenMs());
        out.writeDouble(t.totalMs());
    }

    static Timings readTimings(BinaryReader in) {
        return new Timings(in.readDouble(), in.readDouble(), in.readDouble());
    }

    static void writeError(BinaryWriter out, ErrorInfo error) {
        out.writeVarInt(error.status());
        out.writeNullableString(error.type());
        out.writeNullableString(error.message());
        out.writeNullableString(error.param());
        out.writeNullableString(error.code());
    }

    static ErrorInfo readError(BinaryReader in) {
        return new ErrorInfo(in.readVarInt(), in.readNullableString(), in.readNullableString(),
                in.readNullableString(), in.readNullableString());
    }
}
