"""``entrepot serve``: the web dashboard and JSON API over the store."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import MissingExtraError
from .app import StoreOption, app, friendly, open_store, store_path
from .render import console


@app.command()
@friendly
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on: 0.0.0.0 to be reached from other machines.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    store: StoreOption = None,
) -> None:
    """Serve the dashboard and the JSON API of the store (read-only) until Ctrl-C."""
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:  # pragma: no cover - the [web] extra is missing
        raise MissingExtraError(
            f"entrepot serve needs the web extra ({exc.name} is missing): "
            "pip install 'entrepot[web]'."
        ) from None
    path = store_path(store)
    with open_store(store, read_only=True):  # a clear error now rather than on each request
        pass
    console.print(
        f"Serving {path} on http://{host}:{port}/ (API documented at /api-docs, spec at "
        "/openapi.json); Ctrl-C stops."
    )
    uvicorn.run(create_app(path, warm=True), host=host, port=port, log_level="warning")
