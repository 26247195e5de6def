package dev.jllm.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metrics against values worked out by hand from trec_eval's definitions, and against pytrec_eval's own outputs
 * on the cases that ir_measures' test suite pins (test/test_pytrec_eval.py, AP of queries 0 and 1).
 */
class RetrievalMetricsTest {
    private static Map<String, Double> run(Object... docAndScore) {
        Map<String, Double> run = new LinkedHashMap<>();
        for (int i = 0; i < docAndScore.length; i += 2) run.put((String) docAndScore[i], ((Number) docAndScore[i + 1]).doubleValue());
        return run;
    }

    @Test
    void averagePrecisionMatchesPytrecEvalOnIrMeasuresCases() {
        // qrels "0 0 D0 1 / D1 -1 / D2 0 / D3 2 / D4 0"; run scores D0 .8, D2 .7, D1 .3, D3 .4, D4 .1 (ranked by score,
        // not by the rank column): D0 D2 D3 D1 D4 -> (1/1 + 2/3) / 2 = 0.8333
        Map<String, Integer> q0 = Map.of("D0", 1, "D1", -1, "D2", 0, "D3", 2, "D4", 0);
        assertThat(RetrievalMetrics.of(run("D0", .8, "D2", .7, "D1", .3, "D3", .4, "D4", .1), q0).averagePrecision())
                .isCloseTo(0.8333, within(1e-4));
        // qrels "1 0 D0 1 / D3 2 / D4 -1 / D5 0"; run D1 .8, D4 .7, D3 .3, D2 .4 -> D3 at rank 4: (1/4) / 2 = 0.125
        Map<String, Integer> q1 = Map.of("D0", 1, "D3", 2, "D4", -1, "D5", 0);
        assertThat(RetrievalMetrics.of(run("D1", .8, "D4", .7, "D3", .3, "D2", .4), q1).averagePrecision()).isEqualTo(0.125);
    }

    @Test
    void ndcgUsesGradedGainsAndTheIdealOrderOfAllJudgedDocuments() {
        // ranked D0 D2 D3 D1 D4 with grades 0 1 2 1 0:
        // DCG = 1/log2(3) + 2/log2(4) + 1/log2(5) = 0.6309298 + 1 + 0.4306766 = 2.0616063
        // ideal 2 1 1: 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.6309298 + 0.5 = 3.1309298 -> 0.6584646
        Map<String, Integer> grades = Map.of("D0", 0, "D1", 1, "D2", 1, "D3", 2, "D4", 0);
        RetrievalMetrics m = RetrievalMetrics.of(run("D0", .8, "D2", .7, "D1", .3, "D3", .4, "D4", .1), grades);
        assertThat(m.ndcgAt10()).isCloseTo(0.6584646, within(1e-7));
        assertThat(m.mrrAt10()).isEqualTo(0.5);
        assertThat(m.recallAt100()).isEqualTo(1.0);
        // AP with 3 relevant: D2 @2 (1/2), D3 @3 (2/3), D1 @4 (3/4) -> (0.5 + 0.666667 + 0.75) / 3
        assertThat(m.averagePrecision()).isCloseTo((0.5 + 2.0 / 3 + 0.75) / 3, within(1e-12));
    }

    @Test
    void onlyTheTopTenCountForNdcgAndMrrAndTheTopHundredForRecall() {
        Map<String, Integer> grades = Map.of("r1", 1, "r2", 1);
        Map<String, Double> run = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) run.put(String.format("n%03d", i), 1000.0 - i);
        run.put("r1", 1000.0 - 10.5); // below n000..n010: rank 12
        run.put("r2", 1000.0 - 120.5); // below n000..n120 and r1: rank 123
        RetrievalMetrics m = RetrievalMetrics.of(run, grades);
        assertThat(m.ndcgAt10()).isZero();
        assertThat(m.mrrAt10()).isZero();
        assertThat(m.recallAt100()).isEqualTo(0.5);
        assertThat(m.averagePrecision()).isCloseTo((1.0 / 12 + 2.0 / 123) / 2, within(1e-12));
    }

    @Test
    void tiesAreBrokenByDocumentIdInReverseOrderAsTrecEvalDoes() {
        assertThat(RetrievalMetrics.ranking(run("a", 1.0, "c", 1.0, "b", 1.0, "z", 0.5))).containsExactly("c", "b", "a", "z");
        Map<String, Integer> grades = Map.of("a", 1);
        // "a" sorts last among the tied three: reciprocal rank 1/3, whatever order the run listed them in
        assertThat(RetrievalMetrics.of(run("a", 1.0, "b", 1.0, "c", 1.0), grades).mrrAt10()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void aQueryWithNothingRetrievedScoresZero() {
        RetrievalMetrics m = RetrievalMetrics.of(Map.of(), Map.of("d", 2));
        assertThat(m).isEqualTo(new RetrievalMetrics(0, 0, 0, 0));
    }

    @Test
    void theMeanWeighsEveryQueryOnce() {
        RetrievalMetrics mean = RetrievalMetrics.mean(List.of(new RetrievalMetrics(1, 1, 1, 1), new RetrievalMetrics(0, 0.5, 0, 0.25)));
        assertThat(mean).isEqualTo(new RetrievalMetrics(0.5, 0.75, 0.5, 0.625));
    }
}
