package dev.llmplatform.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's {@code --goodput}: service level objectives in milliseconds on {@code ttft}, {@code tpot} and
 * {@code e2el}, written {@code ttft:500 tpot:50} (here also with commas, as {@code --key=value} options
 * cannot hold a space unquoted). A request is good when every given metric is at or under its objective.
 */
record ServeSlos(Map<String, Double> millis) {

    static final ServeSlos NONE = new ServeSlos(Map.of());

    ServeSlos {
        millis = Map.copyOf(millis);
    }

    static ServeSlos parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String pair : text.trim().split("[\\s,]+")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("service level objectives are KEY:VALUE pairs in milliseconds, got " + pair);
            }
            if (!kv[0].equals("ttft") && !kv[0].equals("tpot") && !kv[0].equals("e2el")) {
                throw new IllegalArgumentException("service level objective names are ttft, tpot and e2el, got " + kv[0]);
            }
            double value = Double.parseDouble(kv[1]);
            if (value < 0) {
                throw new IllegalArgumentException("service level objectives are non-negative, got " + pair);
            }
            m.put(kv[0], value);
        }
        return new ServeSlos(m);
    }

    boolean isEmpty() {
        return millis.isEmpty();
    }

    /** Times in seconds, compared as vLLM does: the objective over 1000, at or above the value. */
    boolean met(double ttft, double tpot, double e2el) {
        return within("ttft", ttft) && within("tpot", tpot) && within("e2el", e2el);
    }

    private boolean within(String name, double seconds) {
        Double ms = millis.get(name);
        return ms == null || ms / 1000 >= seconds;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        millis.forEach((k, v) -> s.append(s.isEmpty() ? "" : " ").append(k).append(':').append(v % 1 == 0 ? String.valueOf(v.longValue()) : v));
        return s.toString();
    }
}
