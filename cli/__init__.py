"""The `estab` command: run the system, load scenarios, query, replay and verify the log."""
