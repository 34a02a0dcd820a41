"""The web dashboard and JSON API over a store (``entrepot serve``; the ``[web]`` extra)."""

from .app import create_app

__all__ = ["create_app"]
