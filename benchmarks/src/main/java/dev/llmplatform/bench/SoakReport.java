package dev.llmplatform.bench;

import dev.llmplatform.contracts.Messages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The soak's samples and verdict: a per-minute table, and for each watched metric its baseline (before
 * the load), its end (after the load stopped and the platform was left alone) and whether the end came
 * back within the metric's tolerance. Only growth is flagged: a metric that ends below its baseline
 * (a heap that shrank) is fine.
 */
final class SoakReport {

    /** How far above its baseline a metric may end: the larger of {@code absolute} and {@code relative} × baseline. */
    record Tolerance(double absolute, double relative) {
        double allowance(double baseline) {
            return Math.max(absolute, relative * Math.abs(baseline));
        }
    }

    /** One sample: when (seconds since the load began; negative = before), the phase, and the values. */
    record Sample(long seconds, String phase, Map<String, Double> values) {
    }

    /** One watched metric's verdict. A metric missing from the baseline or end sample is not returned. */
    record Check(String metric, double baseline, double end, double peak, double allowance, boolean returned) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, Tolerance> watched;

    /** @param watched the metrics that must return to their baseline, in table order */
    SoakReport(Map<String, Tolerance> watched) {
        this.watched = watched;
    }

    void add(Sample s) {
        samples.add(s);
    }

    List<Sample> samples() {
        return samples;
    }

    /** Baseline = the first sample, end = the last one. */
    List<Check> checks() {
        List<Check> out = new ArrayList<>();
        if (samples.size() < 2) {
            return out;
        }
        Map<String, Double> first = samples.getFirst().values();
        Map<String, Double> last = samples.getLast().values();
        for (var e : watched.entrySet()) {
            Double b = first.get(e.getKey());
            Double end = last.get(e.getKey());
            if (b == null || end == null || b.isNaN() || end.isNaN()) {
                continue;
            }
            double peak = samples.stream().map(s -> s.values().get(e.getKey())).filter(v -> v != null && !v.isNaN())
                    .mapToDouble(Double::doubleValue).max().orElse(end);
            double allowance = e.getValue().allowance(b);
            out.add(new Check(e.getKey(), b, end, peak, allowance, end <= b + allowance));
        }
        return out;
    }

    boolean allReturned() {
        return checks().stream().allMatch(Check::returned);
    }

    /** The per-minute table (every column any sample has) and the baseline-vs-end table. */
    String markdown() {
        List<String> columns = new ArrayList<>();
        samples.forEach(s -> s.values().keySet().forEach(k -> {
            if (!columns.contains(k)) {
                columns.add(k);
            }
        }));
        StringBuilder md = new StringBuilder("| t (s) | phase | ").append(String.join(" | ", columns)).append(" |\n|---|---|");
        md.append("---|".repeat(columns.size())).append('\n');
        for (Sample s : samples) {
            md.append("| ").append(s.seconds()).append(" | ").append(s.phase()).append(" |");
            for (String c : columns) {
                Double v = s.values().get(c);
                md.append(' ').append(v == null || v.isNaN() ? "–" : format(v)).append(" |");
            }
            md.append('\n');
        }
        md.append("\n| metric | baseline | peak | end | allowed end | returned |\n|---|---|---|---|---|---|\n");
        for (Check c : checks()) {
            md.append(String.format("| %s | %s | %s | %s | ≤ %s | %s |%n", c.metric(), format(c.baseline()), format(c.peak()),
                    format(c.end()), format(c.baseline() + c.allowance()), c.returned() ? "yes" : "**NO**"));
        }
        return md.toString();
    }

    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("samples", samples.stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", s.seconds());
            m.put("phase", s.phase());
            Map<String, Object> values = new LinkedHashMap<>();
            s.values().forEach((k, v) -> values.put(k, v == null || v.isNaN() ? null : v));
            m.put("values", values);
            return m;
        }).toList());
        root.put("checks", checks());
        root.put("allReturned", allReturned());
        return Messages.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format("%.3f", v);
    }
}
