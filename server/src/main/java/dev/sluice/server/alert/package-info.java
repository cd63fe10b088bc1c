/**
 * Alerts of {@code sluice serve} by e-mail and webhook.
 *
 * <p>The service reports facts to an {@link dev.sluice.server.alert.Alerter}: a condition was raised
 * ({@link dev.sluice.server.alert.Alerter#raise(dev.sluice.server.alert.AlertEvent)}) or no longer holds
 * ({@link dev.sluice.server.alert.Alerter#clear}). The alerter turns them into incidents, one per
 * pipeline and condition from the first raise to the clear, and decides what to send: the first raise at
 * once, repeats at most once per throttle period, an escalation of severity at once, and a recovery
 * notice on clear. Deliveries run in the background; nothing here blocks or throws into the caller.
 *
 * <p>{@link dev.sluice.server.alert.AlertSettings#bind} reads the {@code alerts:} section of the service's
 * settings file. docs/ALERTS.md describes the settings and the messages.
 */
package dev.sluice.server.alert;
