/**
 * The books of every pipeline on SQLite (one file, the default) or PostgreSQL (shared and production):
 * {@link dev.sluice.state.StateStores#open} reads a {@code --state} location and returns a
 * {@link dev.sluice.core.state.StateStore}, with its schema brought up to date by Flyway migrations under
 * {@code db/sluice/<dialect>/}. Lease holders are named by {@link dev.sluice.state.Leases#currentHolder}.
 */
package dev.sluice.state;
