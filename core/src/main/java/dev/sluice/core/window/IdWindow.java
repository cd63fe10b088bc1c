package dev.sluice.core.window;

/** A half-open id range {@code [start, end)}: ids 1 to 100 are {@code [1, 101)}. */
public record IdWindow(long start, long end) implements Window {
    public IdWindow {
        if (start >= end)
            throw new IllegalArgumentException("window start " + start + " must be below end " + end);
    }

    public long size() {
        return end - start;
    }

    public boolean contains(long id) {
        return id >= start && id < end;
    }

    @Override
    public CursorKind cursor() {
        return CursorKind.ID;
    }

    @Override
    public String startText() {
        return Long.toString(start);
    }

    @Override
    public String endText() {
        return Long.toString(end);
    }

    @Override
    public long startKey() {
        return start;
    }

    @Override
    public long endKey() {
        return end;
    }

    @Override
    public String fileName() {
        // Zero-padded so that file names sort in id order.
        return String.format("%019d_%019d", start, end).replace('-', 'm');
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
