package dev.sluice.core.state;

/**
 * Records read from the source, written to the sink, and rejected on the way; and answers taken as
 * empty because the pipeline declared their status "empty, not failed".
 */
public record Counts(long read, long written, long rejected, long emptyAnswers) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0);

    public Counts {
        if (read < 0 || written < 0 || rejected < 0 || emptyAnswers < 0)
            throw new IllegalArgumentException("counts must not be negative: " + read + "/" + written + "/" + rejected + "/" + emptyAnswers);
    }

    public Counts(long read, long written, long rejected) {
        this(read, written, rejected, 0);
    }

    public Counts plus(Counts other) {
        return new Counts(read + other.read, written + other.written, rejected + other.rejected, emptyAnswers + other.emptyAnswers);
    }
}
