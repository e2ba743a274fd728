package dev.llmplatform.training.loop;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The token streams of a run, from any tokenizer: documents concatenated (with whatever separator
 * the tokenizer uses) for training, and a held-out stream for evaluation.
 */
public record TokenData(int[] train, int[] eval) {

    public TokenData {
        if (train.length == 0 || eval.length == 0) {
            throw new IllegalArgumentException("train and eval token streams must not be empty");
        }
    }

    /** SHA-256 of both streams, so a checkpoint is never resumed on other data. */
    public String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, train);
            update(digest, eval);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest token id plus one: the smallest vocabulary these streams fit. */
    public int requiredVocabSize() {
        int max = -1;
        for (int token : train) {
            max = Math.max(max, token);
        }
        for (int token : eval) {
            max = Math.max(max, token);
        }
        return max + 1;
    }

    private static void update(MessageDigest digest, int[] tokens) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * 4096);
        for (int i = 0; i < tokens.length; i++) {
            buffer.putInt(tokens[i]);
            if (!buffer.hasRemaining() || i == tokens.length - 1) {
                digest.update(buffer.flip());
                buffer.clear();
            }
        }
        digest.update(ByteBuffer.allocate(4).putInt(tokens.length).flip());
    }
}
