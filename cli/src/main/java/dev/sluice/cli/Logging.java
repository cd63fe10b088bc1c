package dev.sluice.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/** Sets up logging on standard error: warnings only by default, every event with --verbose, JSON with --log-format json. */
final class Logging {
    private static volatile boolean verbose;

    private Logging() {
    }

    static boolean verbose() {
        return verbose;
    }

    static void configure(boolean beVerbose, String format) {
        verbose = beVerbose;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        Encoder<ILoggingEvent> encoder;
        if ("json".equals(format)) {
            var json = new LogstashEncoder();
            json.setContext(context);
            json.start();
            encoder = json;
        } else {
            var text = new PatternLayoutEncoder();
            text.setContext(context);
            text.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} %kvp %msg%n");
            text.start();
            encoder = text;
        }
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setContext(context);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(beVerbose ? Level.INFO : Level.WARN);
        context.getLogger("org.flywaydb").setLevel(beVerbose ? Level.INFO : Level.WARN);
    }
}
