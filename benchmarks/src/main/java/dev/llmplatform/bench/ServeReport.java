package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Distribution;
import dev.llmplatform.bench.ServeMetrics.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A run's figures as vLLM prints them ("Serving Benchmark Result", same labels and order, p90 added
 * beside p99), with a column per side and their ratio, as a markdown table, and as JSON under
 * vLLM's result keys ({@code request_throughput}, {@code mean_ttft_ms}, {@code p99_itl_ms}, …).
 */
final class ServeReport {

    private record Row(String label, ToDoubleFunction<Metrics> value, boolean integer) {
    }

    private static final List<Object> LAYOUT = layout();

    private ServeReport() {
    }

    private static List<Object> layout() {
        List<Object> rows = new ArrayList<>();
        rows.add(new Row("Successful requests:", Metrics::completed, true));
        rows.add(new Row("Failed requests:", Metrics::failed, true));
        rows.add(new Row("Benchmark duration (s):", Metrics::duration, false));
        rows.add(new Row("Total input tokens:", Metrics::totalInput, true));
        rows.add(new Row("Total generated tokens:", Metrics::totalOutput, true));
        rows.add(new Row("Request throughput (req/s):", Metrics::requestThroughput, false));
        rows.add(new Row("Request goodput (req/s):", Metrics::requestGoodput, false));
        rows.add(new Row("Output token throughput (tok/s):", Metrics::outputThroughput, false));
        rows.add(new Row("Total Token throughput (tok/s):", Metrics::totalTokenThroughput, false));
        section(rows, "Time to First Token", "TTFT", Metrics::ttft);
        section(rows, "Time per Output Token (excl. 1st token)", "TPOT", Metrics::tpot);
        section(rows, "Inter-token Latency", "ITL", Metrics::itl);
        section(rows, "End-to-end Latency", "E2EL", Metrics::e2el);
        return rows;
    }

    private static void section(List<Object> rows, String header, String name, Function<Metrics, Distribution> d) {
        rows.add(header);
        rows.add(new Row("Mean " + name + " (ms):", m -> d.apply(m).mean(), false));
        rows.add(new Row("Median " + name + " (ms):", m -> d.apply(m).median(), false));
        rows.add(new Row("P90 " + name + " (ms):", m -> d.apply(m).p90(), false));
        rows.add(new Row("P99 " + name + " (ms):", m -> d.apply(m).p99(), false));
    }

    /**
     * @param sides   column name → figures, in column order (e.g. platform, engine)
     * @param setting lines printed under the title (concurrency, rate, objectives)
     */
    static String table(Map<String, Metrics> sides, List<String> setting) {
        List<String> names = new ArrayList<>(sides.keySet());
        List<Metrics> ms = new ArrayList<>(sides.values());
        boolean ratio = ms.size() == 2;
        StringBuilder out = new StringBuilder();
        out.append(center(" Serving Benchmark Result ", '=', 50 + 13 * names.size() + (ratio ? 9 : 0))).append('\n');
        setting.forEach(line -> out.append(line).append('\n'));
        out.append(String.format("%-40s", ""));
        names.forEach(n -> out.append(String.format(" %12s", n)));
        out.append(ratio ? String.format(" %8s", names.get(0).charAt(0) + "/" + names.get(1).charAt(0)) : "").append('\n');
        for (Object o : LAYOUT) {
            if (o instanceof String header) {
                out.append(center(header, '-', 50 + 13 * names.size() + (ratio ? 9 : 0))).append('\n');
                continue;
            }
            Row r = (Row) o;
            out.append(String.format("%-40s", r.label()));
            ms.forEach(m -> out.append(String.format(" %12s", format(r, m))));
            if (ratio) {
                out.append(String.format(" %8s", ratioText(r.value().applyAsDouble(ms.get(0)), r.value().applyAsDouble(ms.get(1)))));
            }
            out.append('\n');
        }
        out.append("=".repeat(50 + 13 * names.size() + (ratio ? 9 : 0))).append('\n');
        return out.toString();
    }

    /**
     * Several runs side by side as one markdown table: per run a column per side and, with two sides,
     * their ratio; then the extra rows (not vLLM's), each with one value per run and side.
     *
     * @param extras row label → per run, side name → value
     */
    static String markdown(List<String> titles, List<Map<String, Metrics>> runs, Map<String, List<Map<String, Double>>> extras) {
        StringBuilder out = new StringBuilder("| metric |");
        int columns = 0;
        for (int i = 0; i < runs.size(); i++) {
            List<String> names = new ArrayList<>(runs.get(i).keySet());
            for (int k = 0; k < names.size(); k++) {
                out.append(' ').append(k == 0 ? titles.get(i) + " " : "").append(names.get(k)).append(" |");
            }
            out.append(names.size() == 2 ? " " + names.get(0) + " / " + names.get(1) + " |" : "");
            columns += names.size() + (names.size() == 2 ? 1 : 0);
        }
        out.append("\n|---|").append("---|".repeat(columns)).append('\n');
        for (Object o : LAYOUT) {
            if (o instanceof Row r) {
                out.append("| ").append(r.label().replace(":", "")).append(" |");
                for (Map<String, Metrics> run : runs) {
                    List<Metrics> ms = new ArrayList<>(run.values());
                    ms.forEach(m -> out.append(' ').append(format(r, m)).append(" |"));
                    if (ms.size() == 2) {
                        out.append(' ').append(ratioText(r.value().applyAsDouble(ms.get(0)), r.value().applyAsDouble(ms.get(1)))).append(" |");
                    }
                }
                out.append('\n');
            }
        }
        extras.forEach((label, perRun) -> {
            out.append("| ").append(label).append(" |");
            for (Map<String, Double> run : perRun) {
                List<Double> vs = new ArrayList<>(run.values());
                vs.forEach(v -> out.append(String.format(" %.2f |", v)));
                if (vs.size() == 2) {
                    out.append(' ').append(ratioText(vs.get(0), vs.get(1))).append(" |");
                }
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** One run's rows as a markdown table. */
    static String markdown(Map<String, Metrics> sides) {
        return markdown(List.of(""), List.of(sides), Map.of()).replace("|  ", "| ");
    }

    private static String format(Row r, Metrics m) {
        double v = r.value().applyAsDouble(m);
        if (Double.isNaN(v)) {
            return "-";
        }
        return r.integer() ? String.valueOf((long) v) : String.format("%.2f", v);
    }

    static String ratioText(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "-";
        }
        return String.format("%.2f", a / b);
    }

    private static String center(String text, char fill, int width) {
        int pad = Math.max(0, width - text.length());
        return String.valueOf(fill).repeat(pad / 2) + text + String.valueOf(fill).repeat(pad - pad / 2);
    }

    /** vLLM's result keys, and the per-request lists it saves (times in seconds there, as vLLM's). */
    static Map<String, Object> json(Metrics m, List<ServeOutput> outputs) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("duration", m.duration());
        j.put("completed", m.completed());
        j.put("failed", m.failed());
        j.put("total_input_tokens", m.totalInput());
        j.put("total_output_tokens", m.totalOutput());
        j.put("request_throughput", m.requestThroughput());
        j.put("request_goodput", Double.isNaN(m.requestGoodput()) ? null : m.requestGoodput());
        j.put("output_throughput", m.outputThroughput());
        j.put("total_token_throughput", m.totalTokenThroughput());
        distribution(j, "ttft", m.ttft());
        distribution(j, "tpot", m.tpot());
        distribution(j, "itl", m.itl());
        distribution(j, "e2el", m.e2el());
        distribution(j, "client_queue_time", m.clientQueue());
        if (outputs != null) {
            j.put("input_lens", outputs.stream().map(ServeOutput::promptLen).toList());
            j.put("output_lens", outputs.stream().map(o -> o.success() ? o.outputTokens() : 0).toList());
            j.put("ttfts", outputs.stream().map(ServeOutput::ttft).toList());
            j.put("itls", outputs.stream().map(ServeOutput::itl).toList());
            j.put("latencies", outputs.stream().map(ServeOutput::latency).toList());
            j.put("start_times", outputs.stream().map(ServeOutput::startTime).toList());
            j.put("queue_times", outputs.stream().map(ServeOutput::clientQueueTime).toList());
            j.put("errors", outputs.stream().map(o -> o.error() == null ? "" : o.error()).toList());
        }
        return j;
    }

    private static void distribution(Map<String, Object> j, String name, Distribution d) {
        j.put("mean_" + name + "_ms", d.mean());
        j.put("median_" + name + "_ms", d.median());
        j.put("std_" + name + "_ms", d.std());
        j.put("p90_" + name + "_ms", d.p90());
        j.put("p99_" + name + "_ms", d.p99());
    }

    /** Every number of {@code a} over the same number of {@code b} (the per-request lists left out). */
    static Map<String, Object> ratios(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> r = new LinkedHashMap<>();
        a.forEach((k, v) -> {
            if (v instanceof Number x && b.get(k) instanceof Number y && y.doubleValue() != 0) {
                r.put(k, x.doubleValue() / y.doubleValue());
            }
        });
        return r;
    }
}
