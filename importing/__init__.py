"""Bring an existing establishment in from files: HR posts reports (CSV, XLSX) and organograms.

Pure: files are read into rows, rows into posts, pay bands and refusals, and those into an
ordered plan of commands, each naming the file rows it comes from. Sending the plan to the
services is the CLI's job (`cli/import_command.py`); nothing here speaks HTTP or Redis.
"""
