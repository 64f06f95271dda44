"""`python -m cli`: the same as the `estab` command."""

from cli.main import app

app()
