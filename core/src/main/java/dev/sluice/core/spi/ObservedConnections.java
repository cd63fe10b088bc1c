package dev.sluice.core.spi;

import java.util.List;

/**
 * Implemented by a source, step or sink that talks through connections whose activity a service
 * reports as metrics (calls by status, retries, circuit state). Reading must be cheap and thread-safe:
 * it happens at every metrics scrape, while windows run.
 */
public interface ObservedConnections {
    List<ConnectionStats> connectionStats();
}
