package dev.llmplatform.model;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * Checks a relative path a user names (a dataset under the data root) before it touches the file system:
 * nothing absolute, no {@code ..}, no control or invisible formatting characters, no character that
 * Unicode compatibility folds into another (a fullwidth dot or solidus, a one-dot leader: look-alikes
 * of {@code .} and {@code /} that another layer might fold back), and nothing longer than a file system
 * takes. Symbolic links are the reader's to check, against the real path (see the training-service's TextFiles).
 */
public final class SafePaths {

    /** Longest path accepted, in characters (Linux's PATH_MAX is 4096 bytes). */
    public static final int MAX_PATH_LENGTH = 1024;
    /** Longest segment, in UTF-8 bytes (Linux's NAME_MAX). */
    public static final int MAX_SEGMENT_BYTES = 255;

    private SafePaths() {
    }

    /** Why {@code path} may not be used as a relative path, or null when it may. */
    public static String problem(String path) {
        if (path == null || path.isBlank()) {
            return "a path is needed";
        }
        if (path.length() > MAX_PATH_LENGTH) {
            return "the path is longer than " + MAX_PATH_LENGTH + " characters";
        }
        if (path.startsWith("/") || path.startsWith("\\") || (path.length() >= 2 && path.charAt(1) == ':')) {
            return "the path must be relative";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                    && !(Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(path.charAt(i - 1)))) {
                return "the path holds a control, invisible or unpaired character (U+" + String.format("%04X", (int) c) + ")";
            }
        }
        if (!Normalizer.normalize(path, Normalizer.Form.NFKC).equals(path)) {
            return "the path holds characters that Unicode folds into others (look-alikes such as a fullwidth '．' or '／'):"
                    + " write it in its plain form";
        }
        for (String segment : path.split("[/\\\\]")) {
            if (segment.equals("..")) {
                return "the path must not contain '..'";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "a path segment is longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }
}
