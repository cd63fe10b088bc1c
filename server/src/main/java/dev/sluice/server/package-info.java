/** {@code sluice serve}: runs many pipelines on their schedules, with a REST API, dashboard, metrics and alerts. */
package dev.sluice.server;
