package dev.llmplatform.bench;

import dev.llmplatform.bench.ServeMetrics.Metrics;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The table and the JSON keep vLLM's labels and keys, and give each figure's ratio between two sides. */
class ServeReportTest {

    private static Metrics metrics(double ttftMs) {
        ServeTrace t = new ServeTrace(0, 4);
        t.start(0);
        t.chunk((long) (ttftMs * 1e6), 1);
        t.chunk((long) (ttftMs * 1e6) + 10_000_000, 1);
        t.usage(2, 4);
        return ServeMetrics.calculate(List.of(t.toOutput(0)), 1.0, ServeSlos.parse("ttft:100"));
    }

    @Test
    void shouldPrintVllmsRowsWithTheRatio() {
        Map<String, Metrics> sides = new LinkedHashMap<>();
        sides.put("platform", metrics(40));
        sides.put("engine", metrics(10));

        String table = ServeReport.table(sides, List.of("Maximum request concurrency: 1"));

        assertThat(table).contains(" Serving Benchmark Result ").contains("Request goodput (req/s):")
                .contains("Time per Output Token (excl. 1st token)").contains("P90 ITL (ms):");
        assertThat(table.lines().filter(l -> l.startsWith("Mean TTFT (ms):")).findFirst().orElseThrow())
                .contains("40.00").contains("10.00").endsWith("4.00");
        assertThat(ServeReport.markdown(sides)).contains("| Mean TTFT (ms) | 40.00 | 10.00 | 4.00 |");
    }

    @Test
    void shouldPutSeveralRunsSideBySideWithTheirExtraRows() {
        Map<String, Metrics> one = new LinkedHashMap<>();
        one.put("platform", metrics(40));
        one.put("engine", metrics(10));
        Map<String, Metrics> sixteen = new LinkedHashMap<>();
        sixteen.put("platform", metrics(90));
        sixteen.put("engine", metrics(30));
        Map<String, Double> cpu1 = new LinkedHashMap<>();
        cpu1.put("platform", 2.0);
        cpu1.put("engine", 0.5);

        String md = ServeReport.markdown(List.of("c=1", "c=16"), List.of(one, sixteen),
                Map.of("CPU ms", List.of(cpu1, cpu1)));

        assertThat(md.lines().findFirst().orElseThrow())
                .isEqualTo("| metric | c=1 platform | engine | platform / engine | c=16 platform | engine | platform / engine |");
        assertThat(md).contains("| Mean TTFT (ms) | 40.00 | 10.00 | 4.00 | 90.00 | 30.00 | 3.00 |")
                .contains("| CPU ms | 2.00 | 0.50 | 4.00 | 2.00 | 0.50 | 4.00 |");
    }

    @Test
    void shouldWriteVllmsResultKeys() {
        Map<String, Object> a = ServeReport.json(metrics(40), null);
        Map<String, Object> b = ServeReport.json(metrics(10), null);

        assertThat(a).containsKeys("request_throughput", "request_goodput", "output_throughput", "total_token_throughput",
                "mean_ttft_ms", "median_tpot_ms", "p99_itl_ms", "p90_e2el_ms", "std_ttft_ms");
        assertThat((double) ServeReport.ratios(a, b).get("mean_ttft_ms")).isEqualTo(4.0);
    }
}
