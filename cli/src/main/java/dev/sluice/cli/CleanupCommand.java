package dev.sluice.cli;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.PipelineConfig;
import dev.sluice.core.runner.Cleanup;
import dev.sluice.core.runner.CleanupReport;
import dev.sluice.core.state.StateStore;
import dev.sluice.core.window.Span;
import dev.sluice.state.Leases;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "cleanup", description = {
        "Delete the history of pipelines that is older than --max-age: runs that found nothing to do, their errors, "
                + "discarded windows, and the dead letters of validate steps.",
        "The window ledger (the proof of coverage), key statuses, the watermark and leases are kept; docs/CLI.md has the rules."})
final class CleanupCommand implements Callable<Integer> {
    @Mixin
    StateOptions options;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "pipeline files (YAML)")
    List<Path> files = new ArrayList<>();

    @Option(names = "--pipelines", paramLabel = "DIR", description = "also every *.yaml and *.yml file directly in this folder")
    Path pipelines;

    @Option(names = "--max-age", required = true, paramLabel = "DURATION",
            description = "delete what is older than this: 30d, 24h, 1d12h or ISO-8601 such as P30D (a unit is required: a bare 24 is refused)")
    String maxAge;

    @Option(names = "--dry-run", description = "report what would be deleted, and delete nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--now", paramLabel = "ISO", description = "take this instant as now (for demos and tests), e.g. 2025-07-01T17:00:00Z")
    String now;

    /** One pipeline's outcome: its report, or the error that stopped its cleanup. */
    private record Outcome(PipelineConfig config, String state, Optional<CleanupReport> report, Optional<SluiceException> error) {}

    @Override
    public Integer call() {
        Duration age = maxAge(maxAge);
        List<Path> all = pipelineFiles();
        options.configureLogging();
        // Every file is loaded before anything is deleted: a mistake in one stops the command, not half of it.
        List<PipelineConfig> configs = all.stream().map(f -> ConfigLoader.standard().load(f)).toList();
        Clock clock = PipelineOptions.clock(now);
        Instant before = clock.instant().minus(age);
        List<Outcome> outcomes = configs.stream().map(c -> clean(c, clock, before)).toList();
        if (json)
            printJson(before, outcomes);
        else
            printText(before, outcomes);
        return outcomes.stream().flatMap(o -> o.error().stream()).mapToInt(ExitCodes::of).max().orElse(ExitCodes.OK);
    }

    private Outcome clean(PipelineConfig config, Clock clock, Instant before) {
        String url = options.stateUrl(config);
        try {
            return options.withExistingState(config, opened -> {
                if (opened.isEmpty())
                    return new Outcome(config, url + " (not created yet)", Optional.empty(), Optional.empty());
                StateStore store = opened.get();
                var cleanup = new Cleanup(store, clock, Leases.currentHolder());
                CleanupReport report = dryRun ? cleanup.preview(config, before) : cleanup.run(config, before);
                return new Outcome(config, store.describe(), Optional.of(report), Optional.empty());
            });
        } catch (RuntimeException e) {
            return new Outcome(config, url, Optional.empty(), Optional.of(SluiceException.wrap(e, ErrorCode.INTERNAL)));
        }
    }

    /**
     * A bare number is refused rather than read as hours: {@code --max-age 30} could as well mean days,
     * and a wrong guess deletes history early.
     */
    static Duration maxAge(String text) {
        String s = text.strip();
        if (s.matches("\\d+"))
            throw new SluiceException(ErrorCode.USAGE, "--max-age " + s + " has no unit; write " + s + "h for " + s
                    + " hours or " + s + "d for " + s + " days");
        Duration age;
        try {
            age = Span.parse(s).approximate();
        } catch (IllegalArgumentException e) {
            throw new SluiceException(ErrorCode.USAGE, "--max-age: " + e.getMessage());
        }
        if (age.isZero())
            throw new SluiceException(ErrorCode.USAGE, "--max-age must be more than zero, e.g. 30d");
        return age;
    }

    private List<Path> pipelineFiles() {
        List<Path> all = new ArrayList<>(files);
        if (pipelines != null) {
            if (!Files.isDirectory(pipelines))
                throw new SluiceException(ErrorCode.USAGE, "--pipelines " + pipelines + " is not a folder; give the folder of the pipeline files");
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> yaml = Files.newDirectoryStream(pipelines, "*.{yaml,yml}")) {
                yaml.forEach(found::add);
            } catch (IOException e) {
                throw new SluiceException(ErrorCode.USAGE, "cannot list --pipelines " + pipelines + ": " + e.getMessage(), e);
            }
            found.sort(null);
            if (found.isEmpty())
                throw new SluiceException(ErrorCode.USAGE, "--pipelines " + pipelines + " holds no *.yaml or *.yml file");
            all.addAll(found);
        }
        if (all.isEmpty())
            throw new SluiceException(ErrorCode.USAGE, "give the pipeline files to clean up (FILE...) or their folder (--pipelines DIR)");
        return all;
    }

    private void printText(Instant before, List<Outcome> outcomes) {
        var out = System.out;
        out.println((dryRun ? "dry run, nothing is deleted: would delete" : "deleting") + " what is older than "
                + maxAge.strip() + " (before " + before + ")");
        for (Outcome o : outcomes) {
            out.println("pipeline " + o.config().id() + " (state " + o.state() + ")");
            if (o.error().isPresent()) {
                SluiceException e = o.error().get();
                out.println("  not cleaned up: error " + e.errorId() + " (code " + e.code() + ")");
                System.err.println("error: pipeline " + o.config().id() + ": " + e.getMessage());
                System.err.println("error id: " + e.errorId() + " (code " + e.code() + ")");
                continue;
            }
            if (o.report().isEmpty()) {
                out.println("  nothing to clean up: the pipeline has no books yet");
                continue;
            }
            CleanupReport r = o.report().get();
            String verb = dryRun ? "would delete" : "deleted";
            out.printf("  %s %d run(s), %d error(s), %d discarded window(s)%n", verb, r.books().runs(), r.books().errors(),
                    r.books().discardedWindows());
            for (CleanupReport.StepPurge s : r.steps())
                if (s.items() > 0)
                    out.printf("  step '%s' (%s): %s %d item(s)%n", s.step(), s.type(), verb, s.items());
        }
    }

    private void printJson(Instant before, List<Outcome> outcomes) {
        ObjectNode o = Reports.JSON.createObjectNode();
        o.put("max_age", maxAge.strip()).put("before", before.toString()).put("dry_run", dryRun);
        ArrayNode array = o.putArray("pipelines");
        for (Outcome outcome : outcomes) {
            ObjectNode p = array.addObject().put("pipeline", outcome.config().id().value())
                    .put("file", outcome.config().file().toString()).put("state", outcome.state());
            if (outcome.error().isPresent()) {
                SluiceException e = outcome.error().get();
                p.putObject("error").put("code", e.code().name()).put("error_id", e.errorId()).put("message", e.getMessage());
                continue;
            }
            CleanupReport r = outcome.report().orElse(null);
            p.put("runs", r == null ? 0 : r.books().runs()).put("errors", r == null ? 0 : r.books().errors())
                    .put("discarded_windows", r == null ? 0 : r.books().discardedWindows());
            ArrayNode steps = p.putArray("steps");
            if (r != null)
                for (CleanupReport.StepPurge s : r.steps())
                    steps.addObject().put("step", s.step()).put("type", s.type()).put("items", s.items());
        }
        System.out.println(o);
    }
}
