package dev.sluice.server.alert;

import dev.sluice.core.Secret;
import dev.sluice.server.alert.AlertSettings.Webhook;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Alerts as a JSON POST. The top-level {@code text} is what Slack, Mattermost, Rocket.Chat and Google
 * Chat incoming webhooks show; the other fields are for receivers that read structure. Any answer
 * other than 2xx is a failed delivery.
 */
final class WebhookChannel implements Channel {
    private static final int SHOWN_BODY = 200;

    private final Webhook settings;
    private final HttpClient client;
    private final List<Secret> secrets;

    WebhookChannel(Webhook settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.secrets = secrets(settings);
    }

    /**
     * What a failure's reason must not show: the URL and the header values, and also their parts that a
     * receiver may echo on its own: the URL's path and query (where chat tools put the token) and the
     * last word of a header value (the token of "Bearer TOKEN").
     */
    private static List<Secret> secrets(Webhook settings) {
        var out = new ArrayList<Secret>();
        out.add(settings.url());
        URI u = URI.create(settings.url().value());
        for (String part : new String[] {u.getRawPath(), u.getRawQuery()})
            if (part != null && part.length() > 1)
                out.add(new Secret(part));
        for (Secret v : settings.headers().values()) {
            out.add(v);
            String last = v.value().substring(v.value().lastIndexOf(' ') + 1);
            if (last.length() >= 8)
                out.add(new Secret(last));
        }
        return List.copyOf(out);
    }

    @Override
    public String describe() {
        return "webhook at " + settings.host();
    }

    @Override
    public void deliver(AlertMessage m) throws DeliveryFailure {
        var request = HttpRequest.newBuilder(URI.create(settings.url().value())).timeout(settings.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body(m), StandardCharsets.UTF_8));
        settings.headers().forEach((name, value) -> request.setHeader(name, value.value()));
        HttpResponse<String> answer;
        try {
            answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw DeliveryFailure.transientFailure("no answer from the webhook at " + settings.host() + " within "
                    + AlertMessage.show(settings.timeout()), secrets);
        } catch (IOException e) {
            throw DeliveryFailure.transientFailure("cannot reach the webhook at " + settings.host() + " (" + e + ")", secrets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryFailure.lasting("interrupted while posting to the webhook at " + settings.host(), secrets);
        }
        if (answer.statusCode() / 100 != 2) {
            String shown = answer.body().strip();
            if (shown.length() > SHOWN_BODY)
                shown = shown.substring(0, SHOWN_BODY) + "...";
            throw DeliveryFailure.transientFailure("the webhook at " + settings.host() + " answered " + answer.statusCode()
                    + (shown.isEmpty() ? "" : ": " + shown), secrets);
        }
    }

    @Override
    public void check() {
        // a webhook can only be checked by posting to it, which would show a message in the channel
    }

    @Override
    public void close() {
        client.shutdownNow(); // the lanes are done or stopped: nothing sent now is still wanted
    }

    /** The JSON body: {@code text} for chat tools, then the same facts as fields. */
    static String body(AlertMessage m) {
        ObjectNode o = JsonMapper.shared().createObjectNode();
        o.put("text", text(m));
        o.put("severity", m.severity().label());
        o.put("status", m.status());
        o.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
        o.put("pipeline", m.incident().pipeline());
        o.put("condition", m.incident().condition().key());
        o.put("incident_id", m.incident().id());
        if (m.errorId().isPresent())
            o.put("error_id", m.errorId().get());
        else
            o.putNull("error_id");
        o.put("summary", m.summary());
        o.put("next_steps", m.nextSteps());
        o.put("occurrences", m.occurrences());
        o.put("total_occurrences", m.incident().occurrences());
        o.put("at", AlertMessage.show(m.at()));
        o.put("opened_at", AlertMessage.show(m.incident().openedAt()));
        m.lasted().ifPresent(d -> o.put("duration", d.withNanos(0).toString()));
        m.dashboard().ifPresent(d -> o.put("dashboard_url", d.toString()));
        ObjectNode details = o.putObject("details");
        m.details().forEach(details::put);
        return JsonMapper.shared().writeValueAsString(o);
    }

    /** A few lines that read well in a chat: the subject, the summary, the error id, what to do, the link. */
    private static String text(AlertMessage m) {
        var out = new StringBuilder(m.subject()).append('\n').append(m.summary());
        m.errorId().ifPresent(id -> out.append(m.resolved() ? "\nLast error id: " : "\nError id: ").append(id));
        if (m.kind() == AlertMessage.Kind.REMINDER || m.kind() == AlertMessage.Kind.ESCALATED)
            out.append("\nOccurrences: ").append(m.occurrencesText());
        out.append("\nNext: ").append(m.nextSteps());
        m.dashboard().ifPresent(d -> out.append("\nDashboard: ").append(d));
        return out.toString();
    }
}
