package dev.sluice.state;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Names lease holders as {@code pid@hostname}, so that a store can tell that the holder of a lease was
 * a process on this host that has died (a SIGKILLed run) and take its lease over at once instead of
 * waiting for it to expire.
 */
public final class Leases {
    private Leases() {}

    /** The holder name of this process: {@code pid@hostname}. */
    public static String currentHolder() {
        return ProcessHandle.current().pid() + "@" + localHost();
    }

    /**
     * True only when {@code holder} names a process on this host (same hostname) that is not running.
     * A holder on another host, or one that is not of the form {@code pid@hostname}, is never known dead:
     * only its expiry frees its lease. A reused pid makes a dead holder look alive, which is the safe way
     * to be wrong.
     */
    static boolean isDeadLocalProcess(String holder) {
        int at = holder.indexOf('@');
        if (at <= 0)
            return false;
        String host = holder.substring(at + 1);
        if (!host.equalsIgnoreCase(localHost()))
            return false;
        long pid;
        try {
            pid = Long.parseLong(holder.substring(0, at));
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == ProcessHandle.current().pid())
            return false;
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    static String localHost() {
        return LocalHost.NAME;
    }

    /** Resolved once, lazily; avoids a DNS lookup when the OS can tell us directly (CLI start-up time). */
    private static final class LocalHost {
        static final String NAME = resolve();

        private static String resolve() {
            return firstLine(Path.of("/proc/sys/kernel/hostname"))
                    .or(() -> env("HOSTNAME"))
                    .or(() -> env("COMPUTERNAME"))
                    .or(() -> firstLine(Path.of("/etc/hostname")))
                    .or(LocalHost::inetHostName)
                    .orElse("localhost")
                    .toLowerCase(Locale.ROOT);
        }

        private static Optional<String> env(String name) {
            return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(s -> !s.isEmpty());
        }

        private static Optional<String> firstLine(Path file) {
            try {
                if (!Files.isReadable(file))
                    return Optional.empty();
                return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).findFirst();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        private static Optional<String> inetHostName() {
            try {
                return Optional.of(InetAddress.getLocalHost().getHostName());
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
