package dev.llmplatform.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SoakReportTest {

    private static SoakReport report(double heapEnd, double lagEnd) {
        Map<String, SoakReport.Tolerance> watched = new LinkedHashMap<>();
        watched.put("heap", new SoakReport.Tolerance(32, 0.25));
        watched.put("lag", new SoakReport.Tolerance(0, 0));
        watched.put("fds", new SoakReport.Tolerance(16, 0.1));
        SoakReport r = new SoakReport(watched);
        r.add(new SoakReport.Sample(0, "baseline", values(200, 0, Double.NaN)));
        r.add(new SoakReport.Sample(60, "load", values(900, 40, 300)));
        r.add(new SoakReport.Sample(120, "end", values(heapEnd, lagEnd, 310)));
        return r;
    }

    private static Map<String, Double> values(double heap, double lag, double fds) {
        Map<String, Double> v = new LinkedHashMap<>();   // the table's columns come in first-seen order
        v.put("heap", heap);
        v.put("lag", lag);
        v.put("fds", fds);
        return v;
    }

    @Test
    void aMetricWithinItsAllowanceReturned() {
        SoakReport r = report(250, 0);   // 25 % of 200 = 50 > 32 MB: 250 is the edge, still fine
        assertThat(r.checks()).extracting(SoakReport.Check::metric).containsExactly("heap", "lag");   // fds: no baseline
        assertThat(r.checks().getFirst().peak()).isEqualTo(900);
        assertThat(r.allReturned()).isTrue();
        assertThat(r.markdown()).contains("| heap | 200 | 900 | 250 | ≤ 250 | yes |");
    }

    @Test
    void growthPastTheAllowanceIsFlagged() {
        SoakReport r = report(251, 0);
        assertThat(r.allReturned()).isFalse();
        assertThat(r.markdown()).contains("| heap | 200 | 900 | 251 | ≤ 250 | **NO** |");
        assertThat(r.json()).contains("\"allReturned\" : false");
    }

    @Test
    void anExactMetricMustComeBackExactlyAndEndingLowerIsFine() {
        assertThat(report(100, 1).allReturned()).isFalse();
        assertThat(report(100, 0).allReturned()).isTrue();
    }

    @Test
    void theTableShowsEverySampleAndMissingValuesAsADash() {
        String md = report(250, 0).markdown();
        assertThat(md).contains("| t (s) | phase | heap | lag | fds |").contains("| 0 | baseline | 200 | 0 | – |")
                .contains("| 60 | load | 900 | 40 | 300 |");
    }
}
