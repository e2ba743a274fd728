package dev.llmplatform.contracts.binary;

import dev.llmplatform.contracts.PoisonMessageException;
import dev.llmplatform.contracts.ReplyStep;
import dev.llmplatform.contracts.ReplyTo;
import dev.llmplatform.contracts.TokenEvent;
import dev.llmplatform.contracts.TokenStep;

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
            EventLayout.writeTokenEvent(out, item);
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
            EventLayout.writeGenerationEvent(out, item);
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
                items.add(EventLayout.readTokenEvent(in, ids.get(i), replies.get(i)));
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
                items.add(EventLayout.readGenerationEvent(in, ids.get(i)));
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

}
