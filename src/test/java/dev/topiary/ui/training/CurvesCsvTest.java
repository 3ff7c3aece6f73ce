package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurvesCsvTest {

    @Test
    void oneRowPerPointWithSmoothedValue() {
        RunCurves curves = new RunCurves();
        curves.add(Metric.TRAIN_LOSS, 1, 1.0);
        curves.add(Metric.TRAIN_LOSS, 2, 3.0);
        curves.add(Metric.EVAL_PERPLEXITY, 0, 12.5);
        String csv = CurvesCsv.format(List.of(new CurvesCsv.Run("lora-1", curves)), 0.5);

        List<String> lines = csv.lines().toList();
        assertEquals("run,metric,step,value,smoothed", lines.get(0));
        assertEquals("lora-1,loss,1,1.0,1.0", lines.get(1));
        // Debiased average of 1 and 3 at w = 0.5: 1.75 / 0.75.
        assertEquals("lora-1,loss,2,3.0," + (1.75 / 0.75), lines.get(2));
        assertEquals("lora-1,eval_perplexity,0,12.5,12.5", lines.get(3));
        assertEquals(4, lines.size());
    }

    @Test
    void valuesReadBackExactly() {
        RunCurves curves = new RunCurves();
        double rate = 2.0e-4 / 3;
        curves.add(Metric.LEARNING_RATE, 7, rate);
        String row = CurvesCsv.format(List.of(new CurvesCsv.Run("a", curves)), 0).lines().toList().get(1);
        assertEquals(rate, Double.parseDouble(row.split(",")[3]));
    }

    @Test
    void quotesLabelWithComma() {
        RunCurves curves = new RunCurves();
        curves.add(Metric.TRAIN_LOSS, 1, 2.0);
        String csv = CurvesCsv.format(List.of(new CurvesCsv.Run("run \"a\", 2", curves)), 0);
        assertEquals("\"run \"\"a\"\", 2\",loss,1,2.0,2.0", csv.lines().toList().get(1));
    }
}
