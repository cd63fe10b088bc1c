package dev.sluice.connectors.http;

import static java.util.Objects.requireNonNull;

import dev.sluice.core.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a connection proves who it is: the {@code auth:} section of a connection. */
sealed interface Auth {

    record None() implements Auth {
    }

    record Bearer(Secret token) implements Auth {
        public Bearer {
            requireNonNull(token, "token is null");
        }
    }

    enum Place { HEADER, QUERY }

    record ApiKey(Place in, String name, Secret value) implements Auth {
        public ApiKey {
            requireNonNull(in, "in is null");
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    record Basic(String username, Secret password) implements Auth {
        public Basic {
            requireNonNull(username, "username is null");
            requireNonNull(password, "password is null");
        }
    }

    /** A session cookie given in the file, such as one copied from a browser. */
    record StaticCookie(String name, Secret value) implements Auth {
        public StaticCookie {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    /**
     * A login request whose answer sets the session cookies.
     *
     * @param body the JSON body as text: a secret, because it holds the password
     * @param bodyValues the text values of the body, scrubbed from every message in case a server echoes them
     */
    record CookieLogin(String method, String path, Optional<Secret> body, List<Secret> bodyValues) implements Auth {
        public CookieLogin {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            requireNonNull(body, "body is null");
            bodyValues = List.copyOf(bodyValues);
        }
    }

    enum ClientAuth { BODY, BASIC }

    /** OAuth2 client credentials (RFC 6749 section 4.4). */
    record OAuth2(URI tokenUrl, String clientId, Secret clientSecret, List<String> scopes, Optional<String> audience,
                  ClientAuth clientAuth, Map<String, String> extra) implements Auth {
        public OAuth2 {
            requireNonNull(tokenUrl, "tokenUrl is null");
            requireNonNull(clientId, "clientId is null");
            requireNonNull(clientSecret, "clientSecret is null");
            scopes = List.copyOf(scopes);
            requireNonNull(audience, "audience is null");
            requireNonNull(clientAuth, "clientAuth is null");
            extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        }
    }

    /** The secrets given in the file; tokens and cookies fetched later are added to the redaction as they arrive. */
    default List<Secret> secrets() {
        return switch (this) {
            case None n -> List.of();
            case Bearer b -> List.of(b.token());
            case ApiKey k -> List.of(k.value());
            case Basic b -> List.of(b.password(), basic(b.username(), b.password().value()));
            case StaticCookie c -> List.of(c.value());
            case CookieLogin l -> l.bodyValues();
            case OAuth2 o -> {
                var out = new java.util.ArrayList<>(List.of(o.clientSecret(),
                        basic(HttpConnection.encode(o.clientId()), HttpConnection.encode(o.clientSecret().value()))));
                o.extra().forEach((k, v) -> {
                    if (HttpConnectionBinding.looksSecret(k)) // such as a client_assertion
                        out.add(new Secret(v));
                });
                yield out;
            }
        };
    }

    /** The value of an HTTP Basic Authorization header, without the word Basic. */
    static Secret basic(String user, String password) {
        return new Secret(Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
