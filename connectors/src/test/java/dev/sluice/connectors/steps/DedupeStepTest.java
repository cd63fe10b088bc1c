package dev.sluice.connectors.steps;

import static dev.sluice.connectors.steps.StepFixture.OTHER_WINDOW;
import static dev.sluice.connectors.steps.StepFixture.WINDOW;
import static dev.sluice.connectors.steps.StepFixture.apply;
import static dev.sluice.connectors.steps.StepFixture.failure;
import static dev.sluice.connectors.steps.StepFixture.loadError;
import static dev.sluice.connectors.steps.StepFixture.step;
import static dev.sluice.connectors.steps.StepFixture.texts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.spi.Step;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dedupe: the first record of each key in a window passes, across the window's pages. */
class DedupeStepTest {
    @TempDir
    Path dir;

    @Test
    void the_first_record_of_a_key_passes_and_later_ones_are_counted_as_rejected() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [lot, step]}");

        var result = apply(s, WINDOW, "{\"lot\": \"A\", \"step\": 1, \"v\": 1}", "{\"lot\": \"A\", \"step\": 2}", "{\"lot\": \"A\", \"step\": 1, \"v\": 2}");

        assertThat(texts(result)).containsExactly("{\"lot\":\"A\",\"step\":1,\"v\":1}", "{\"lot\":\"A\",\"step\":2}");
        assertThat(result.rejected()).isEqualTo(1);
    }

    @Test
    void duplicates_on_a_later_page_of_the_same_window_are_left_out() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [id]}");
        apply(s, WINDOW, "{\"id\": 1}", "{\"id\": 2}");

        var page2 = apply(s, WINDOW, "{\"id\": 2}", "{\"id\": 3}");

        assertThat(texts(page2)).containsExactly("{\"id\":3}");
    }

    @Test
    void each_window_has_its_own_keys() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [id]}");
        apply(s, WINDOW, "{\"id\": 1}");

        assertThat(texts(apply(s, OTHER_WINDOW, "{\"id\": 1}"))).containsExactly("{\"id\":1}");
    }

    @Test
    void the_keys_of_a_window_are_dropped_when_it_commits_or_is_discarded() throws Exception {
        var s = (DedupeStep) step(dir, "- {type: dedupe, key: [id]}");
        apply(s, WINDOW, "{\"id\": 1}", "{\"id\": 2}");
        apply(s, OTHER_WINDOW, "{\"id\": 1}");
        assertThat(s.keysHeld(WINDOW)).isEqualTo(2);

        s.commit(WINDOW);
        s.discard(OTHER_WINDOW);

        assertThat(s.keysHeld(WINDOW)).isZero();
        assertThat(s.keysHeld(OTHER_WINDOW)).isZero();
        assertThat(texts(apply(s, WINDOW, "{\"id\": 1}"))).as("a re-run of the window starts afresh").containsExactly("{\"id\":1}");
    }

    @Test
    void windows_run_at_once_on_different_threads_keep_their_keys_apart() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [id]}");
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var a = CompletableFuture.supplyAsync(() -> passed(s, WINDOW), executor);
            var b = CompletableFuture.supplyAsync(() -> passed(s, OTHER_WINDOW), executor);

            assertThat(a.get()).isEqualTo(1000);
            assertThat(b.get()).isEqualTo(1000);
        }
    }

    /** Sends ids 0..999 twice, page by page, and counts what passes. */
    private static long passed(Step s, dev.sluice.core.window.Window w) {
        long n = 0;
        try {
            for (int round = 0; round < 2; round++)
                for (int page = 0; page < 10; page++) {
                    var json = new String[100];
                    for (int i = 0; i < 100; i++)
                        json[i] = "{\"id\": " + (page * 100 + i) + "}";
                    n += apply(s, w, json).records().size();
                }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return n;
    }

    @Test
    void a_missing_key_field_counts_as_null() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [id]}");

        assertThat(texts(apply(s, WINDOW, "{\"x\": 1}", "{\"id\": null}", "{\"id\": 0}"))).containsExactly("{\"x\":1}", "{\"id\":0}");
    }

    @Test
    void more_keys_than_max_keys_fail_the_window() throws Exception {
        Step s = step(dir, "- {type: dedupe, key: [id], max_keys: 2}");

        var e = failure(ErrorCode.STEP_INVALID_DATA, () -> apply(s, WINDOW, "{\"id\": 1}", "{\"id\": 2}", "{\"id\": 3}"));

        assertThat(e.getMessage()).contains("more than 2 distinct keys", "raise max_keys");
    }

    @Test
    void keep_last_is_refused_at_load_with_the_reason() {
        assertThat(loadError(dir, "- {type: dedupe, key: [id], keep: last}")).contains("keep: last cannot be done by a step", "upserts by key");
    }
}
