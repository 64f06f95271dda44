"""The finance service: cost ledgers, savings statements, funding streams and cost updates."""
