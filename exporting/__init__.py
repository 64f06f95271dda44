"""Exports for auditors and finance teams: the structure, ledgers and savings as spreadsheets."""
