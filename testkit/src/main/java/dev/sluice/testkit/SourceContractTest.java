package dev.sluice.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.PipelineId;
import dev.sluice.core.spi.DataRecord;
import dev.sluice.core.spi.Page;
import dev.sluice.core.spi.Source;
import dev.sluice.core.spi.SourceContext;
import dev.sluice.core.window.Window;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every source must do, whatever it reads. A connector's test extends this and says how to make
 * its source and which window to read: the window must span at least three pages.
 */
public abstract class SourceContractTest {
    /** A new source, bound but not opened. */
    protected abstract Source newSource() throws Exception;

    /** A window of at least three pages. */
    protected abstract Window window();

    private static final SourceContext CONTEXT = new SourceContext() {
        @Override
        public PipelineId pipeline() {
            return new PipelineId("contract");
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    };

    @Test
    void reading_a_window_stops_after_a_page_with_no_next_position() throws Exception {
        List<Page> pages = readPages(window());

        assertTrue(pages.size() >= 3, "the window of this test must span at least three pages, it has " + pages.size());
        assertTrue(pages.getLast().next().isEmpty());
    }

    @Test
    void closing_and_reopening_at_the_returned_position_continues_without_gaps_or_duplicates() throws Exception {
        List<DataRecord> inOneGo = records(readPages(window()));

        var resumed = new ArrayList<DataRecord>();
        Optional<String> after = Optional.empty();
        do { // every page read by a new source instance, as after a restart
            try (Source source = newSource()) {
                source.open(CONTEXT);
                Page page = source.read(window(), after);
                resumed.addAll(page.records());
                after = page.next();
            }
        } while (after.isPresent());

        assertEquals(inOneGo, resumed);
    }

    @Test
    void reading_the_same_window_twice_gives_the_same_records() throws Exception {
        assertEquals(records(readPages(window())), records(readPages(window())));
    }

    private List<Page> readPages(Window window) throws Exception {
        var pages = new ArrayList<Page>();
        try (Source source = newSource()) {
            source.open(CONTEXT);
            Optional<String> after = Optional.empty();
            do {
                Page page = source.read(window, after);
                pages.add(page);
                after = page.next();
                if (pages.size() > 100_000)
                    throw new AssertionError("more than 100,000 pages: the source does not stop");
            } while (after.isPresent());
        }
        return pages;
    }

    private static List<DataRecord> records(List<Page> pages) {
        return pages.stream().flatMap(p -> p.records().stream()).toList();
    }
}
