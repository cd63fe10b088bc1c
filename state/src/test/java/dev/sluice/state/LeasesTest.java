package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Telling a dead local lease holder from one that may still be running. */
class LeasesTest {
    @Test
    void current_holder_is_pid_at_hostname() {
        assertThat(Leases.currentHolder()).isEqualTo(ProcessHandle.current().pid() + "@" + Leases.localHost());
    }

    @Test
    void this_process_is_not_dead() {
        assertThat(Leases.isDeadLocalProcess(Leases.currentHolder())).isFalse();
    }

    @Test
    void exited_local_process_is_dead() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertThat(Leases.isDeadLocalProcess(gone.pid() + "@" + Leases.localHost())).isTrue();
    }

    @Test
    void running_local_process_is_not_dead() throws Exception {
        Process running = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(Leases.isDeadLocalProcess(running.pid() + "@" + Leases.localHost())).isFalse();
        } finally {
            running.destroy();
        }
    }

    @Test
    void holder_on_another_host_is_never_known_dead() {
        assertThat(Leases.isDeadLocalProcess("999999999@not-" + Leases.localHost())).isFalse();
    }

    @Test
    void holder_not_named_pid_at_host_is_never_known_dead() {
        assertThat(Leases.isDeadLocalProcess("nightly-cron")).isFalse();
        assertThat(Leases.isDeadLocalProcess("cron@" + Leases.localHost())).isFalse();
    }
}
