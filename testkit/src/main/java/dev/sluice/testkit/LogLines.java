package dev.sluice.testkit;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log lines of one logger and those below it, collected while open, so that a test can assert what
 * was logged (and that a secret was not). Each line reads {@code LEVEL message [key=value, ...]}, then
 * the message of the exception, if any.
 */
public final class LogLines implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    /** Collects what {@code loggerName} (such as a package: {@code dev.sluice.connectors.http}) and its children log. */
    public LogLines(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(requireNonNull(loggerName, "loggerName is null"));
        appender.start();
        logger.addAppender(appender);
    }

    public List<String> lines() {
        return List.copyOf(appender.list).stream().map(e -> e.getLevel() + " " + e.getFormattedMessage() + " "
                + (e.getKeyValuePairs() == null ? "" : e.getKeyValuePairs().toString())
                + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())).toList();
    }

    /** The lines of one level, such as {@code ERROR}. */
    public List<String> lines(String level) {
        return lines().stream().filter(l -> l.startsWith(level + " ")).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
