package dev.topiary.ui.training;

/** A scalar the Train tab charts, named by its key in a run's {@code metrics.jsonl}. */
public enum Metric {
    TRAIN_LOSS("loss", "Training loss"),
    EVAL_LOSS("eval_loss", "Held-out loss"),
    EVAL_PERPLEXITY("eval_perplexity", "Held-out perplexity"),
    LEARNING_RATE("lr", "Learning rate"),
    TOKENS_PER_SECOND("tokens_per_second", "Training tokens/s");

    private final String key;
    private final String title;

    Metric(String key, String title) {
        this.key = key;
        this.title = title;
    }

    /** Returns the field name in metrics.jsonl and in the exported CSV, such as {@code eval_loss}. */
    public String key() {
        return key;
    }

    /** Returns the chart title, such as "Held-out loss". */
    public String title() {
        return title;
    }
}
