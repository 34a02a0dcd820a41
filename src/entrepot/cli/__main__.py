"""``python -m entrepot.cli``: the command line without its console script."""

from . import app

app()
