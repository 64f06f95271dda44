"""Attacks on the services (a package, so its conftest has its own name)."""
