"""Plumbing every service shares: the event store, subscriptions, embedded Redis, logs."""
