package dev.sluice.cli;

import dev.sluice.core.SluiceException;
import dev.sluice.core.runner.RunListener;
import dev.sluice.core.state.Counts;
import dev.sluice.core.window.Window;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run's progress: a progress bar on a terminal; otherwise plain lines, one per window for
 * short runs and one per twentieth of the run for long ones.
 */
final class Progress implements RunListener, AutoCloseable {
    private static final int LINE_PER_WINDOW_UP_TO = 50;

    private final PrintStream out;
    private final boolean terminal;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private ProgressBar bar;
    private long total;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static boolean onTerminal() {
        var console = System.console();
        if (console == null)
            return false;
        try { // Console.isTerminal() exists from Java 22; before that a console means a terminal
            return (boolean) console.getClass().getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public void planned(List<Window> windows, String note) {
        lock.lock();
        try {
            total = windows.size();
            out.println(windows.size() + " window(s) to run: " + note);
            if (terminal && !windows.isEmpty())
                bar = new ProgressBarBuilder().setTaskName("windows").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void windowCommitted(Window window, Counts counts) {
        long n = done.incrementAndGet();
        records.addAndGet(counts.written());
        lock.lock();
        try {
            if (bar != null) {
                bar.stepTo(n);
                bar.setExtraMessage(records.get() + " records");
            } else if (total <= LINE_PER_WINDOW_UP_TO)
                out.println("  " + window + "  " + counts.written() + " records  committed");
            else if (n % Math.max(1, total / 20) == 0 || n == total)
                out.println("  " + n + "/" + total + " windows committed, " + records.get() + " records");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void windowFailed(Window window, SluiceException error) {
        lock.lock();
        try {
            if (bar != null)
                bar.pause();
            out.println("  " + window + "  FAILED: " + error.getMessage() + " (error id " + error.errorId() + ")");
            if (bar != null)
                bar.resume();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (bar != null)
                bar.close();
            bar = null;
        } finally {
            lock.unlock();
        }
    }
}
