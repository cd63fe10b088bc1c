package dev.sluice.server.alert;

import dev.sluice.core.Secret;
import java.util.List;

/**
 * A message did not reach a channel. Never leaves this package: deliveries are retried and then logged,
 * not thrown at the service. The reason is scrubbed of the channel's secrets when it is made, so that
 * it can be logged as is.
 */
final class DeliveryFailure extends Exception {
    private final boolean retryable;

    private DeliveryFailure(String reason, boolean retryable) {
        super(reason, null, false, false);
        this.retryable = retryable;
    }

    /** A failure that may pass, such as a refused connection or a 503: worth another attempt. */
    static DeliveryFailure transientFailure(String reason, List<Secret> secrets) {
        return new DeliveryFailure(scrub(reason, secrets), true);
    }

    /** A failure that another attempt would repeat, such as a refused password: reported at once. */
    static DeliveryFailure lasting(String reason, List<Secret> secrets) {
        return new DeliveryFailure(scrub(reason, secrets), false);
    }

    boolean retryable() {
        return retryable;
    }

    /** {@code text} with every secret's value replaced by {@code ***}. */
    static String scrub(String text, List<Secret> secrets) {
        String out = text == null ? "" : text;
        for (Secret s : secrets)
            if (!s.value().isEmpty())
                out = out.replace(s.value(), "***");
        return out;
    }
}
