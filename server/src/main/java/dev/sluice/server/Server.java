package dev.sluice.server;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.Secret;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.server.alert.Alerter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code sluice serve} starts: the service over a folder of pipelines, and its API and dashboard
 * on one port. Closing it stops cleanly: the API answers "not ready" while running windows go on to
 * their commit (for the grace period), then it stops listening.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    private final Service service;
    private final Api api;

    private Server(Service service, Api api) {
        this.service = service;
        this.api = api;
    }

    /**
     * Reads the settings file (if any), adds the tokens of {@code SLUICE_API_TOKENS}, and starts.
     *
     * @param listen overrides the settings' {@code listen:} when present
     * @param tokenFile a file of tokens, added to the settings' own
     */
    public static Server start(Path folder, Optional<Path> settingsFile, Optional<String> listen, Optional<Path> tokenFile) {
        if (!Files.isDirectory(folder))
            throw new SluiceException(ErrorCode.USAGE, "--pipelines " + folder + " is not a folder; give the folder that holds the pipeline files");
        ConfigLoader loader = ConfigLoader.standard();
        ServeSettings settings = settingsFile.map(f -> load(loader, f)).orElseGet(ServeSettings::defaults);
        if (listen.isPresent()) {
            var l = ServeSettings.Listen.parse(listen.get()).orElseThrow(() -> new SluiceException(ErrorCode.USAGE,
                    "--listen '" + listen.get() + "' is not an address and port; write it like 127.0.0.1:8080 or 0.0.0.0:8080"));
            settings = settings.withListen(l.host(), l.port());
        }
        var problems = new ArrayList<String>();
        List<Secret> more = new ArrayList<>(Tokens.fromEnvironment(System.getenv(Tokens.ENVIRONMENT), problems::add));
        tokenFile.ifPresent(f -> more.addAll(Tokens.readFile(f, problems::add)));
        if (!problems.isEmpty())
            throw new SluiceException(ErrorCode.USAGE, String.join("; ", problems));
        settings = settings.withTokens(more);
        Alerter alerts = Alerter.start(settings.alerts(), Clock.systemUTC());
        alerts.check().forEach(problem -> log.atWarn().log("alerts: {}", problem));
        var service = new Service(settings, folder, loader, Clock.systemUTC(), alerts);
        Api api;
        try {
            api = new Api(service, new Tokens(settings.tokens()));
            service.start();
            api.start();
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return new Server(service, api);
    }

    /**
     * The alerter of a settings file's {@code alerts:} section, for a run outside the service
     * ({@code sluice run --settings}); one that sends nothing when the file has no such section.
     */
    public static Alerter alerter(Path settingsFile) {
        ServeSettings settings = load(ConfigLoader.standard(), settingsFile);
        Alerter alerts = Alerter.start(settings.alerts(), Clock.systemUTC());
        alerts.check().forEach(problem -> log.atWarn().log("alerts: {}", problem));
        return alerts;
    }

    static ServeSettings load(ConfigLoader loader, Path file) {
        try {
            return loader.loadDocument(file, Files.readString(file), "a settings file", ServeSettings::bind);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.USAGE, "cannot read the settings file " + file + ": " + e.getMessage() + "; check the path");
        }
    }

    public int port() {
        return api.port();
    }

    /** A line for the console: what runs, and where the API and dashboard are. */
    public String describe() {
        ServeSettings s = service.settings();
        String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
        return service.slots().size() + " pipeline(s) from " + service.folder() + (service.invalidFiles().isEmpty() ? ""
                : ", " + service.invalidFiles().size() + " file(s) skipped (see the dashboard or GET /api/v1/pipelines)")
                + "; dashboard and API on http://" + host + ":" + port() + "/" + (s.tokens().isEmpty() ? " (actions need a token: set "
                + Tokens.ENVIRONMENT + ")" : "");
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            api.close();
        }
    }
}
