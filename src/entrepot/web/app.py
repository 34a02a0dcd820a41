"""The web application: the JSON API (:mod:`.api`), the pages (:mod:`.pages`) and the
scripts they run, all served from the package (no network, no CDN).

Errors are answers, never tracebacks: a month or key the store lacks is a 404, a bad
parameter a 422 naming what is expected, a store being written (or not readable) a 503 with
one line; each as ``{"detail": "..."}``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import EntrepotError, InputError, NotInStoreError, StoreError
from . import api, pages
from .access import Reader

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("entrepot.web")

DESCRIPTION = """External merchandise trade statistics from an entrepot store: the same
figures as the command line's `--json`, read-only. Tables download as CSV, Parquet or Excel
with `?format=`."""


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (the release's own bundle)."""
    from ..release.charts import script_bundle

    return script_bundle()


def status_of(error: EntrepotError) -> int:
    if isinstance(error, NotInStoreError):
        return 404
    if isinstance(error, StoreError):
        return 503
    if isinstance(error, InputError):
        return 422
    return 422


def create_app(store: Path, *, warm: bool = False) -> FastAPI:
    """The server of the store at ``store`` (opened read-only for each request); with
    ``warm``, the latest month's overview and release are made as it starts."""
    reader = Reader(Path(store))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=pages.warm, args=(reader,), daemon=True).start()
        yield

    # No /docs or /redoc: their pages load scripts from a CDN. /api-docs is our own.
    app = FastAPI(
        title="entrepot",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.reader = reader
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/vendor/vega.js", include_in_schema=False)
    def vega() -> Response:
        return Response(
            vega_bundle(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.exception_handler(EntrepotError)
    def entrepot_error(request: Request, exc: EntrepotError) -> JSONResponse:
        return JSONResponse({"detail": str(exc).splitlines()[0]}, status_of(exc))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return JSONResponse(
            {"detail": f"Internal error ({type(exc).__name__}); the server log has more."}, 500
        )

    return app
