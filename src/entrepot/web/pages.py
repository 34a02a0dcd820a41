"""The pages: each renders an answer of :mod:`.answers` (its JSON twin is the API route of
the same answer) with a template of ``templates/``; charts are drawn in the browser by
Vega-Lite from the same data, and every chart has a table beside it as its text
alternative.

- ``/`` and ``/overview/{period}``: the month at a glance (twin: ``/api/overview/{period}``);
- ``/explorer``: flow × breakdown × measure × adjusted × filters, the selection in the URL
  (twin: ``/api/series`` with the same query);
- ``/release/{period}``: the release as ``entrepot release`` writes it, with each figure's
  provenance on click (twin: ``/api/release/{period}``);
- ``/methodology``: how the figures are made.
"""

from __future__ import annotations

import logging
from pathlib import Path as FilePath
from typing import Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import EntrepotError
from ..periods import Period
from ..schema import BREAKDOWNS, FLOW_LABELS, INDEX_FLOWS
from . import answers
from .access import Reader, engine
from .api import MONTH, reader

router = APIRouter(include_in_schema=False)
log = logging.getLogger("entrepot.web")
TEMPLATES = Environment(
    loader=FileSystemLoader(FilePath(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)

NAV = (("/", "Overview"), ("/explorer", "Explorer"), ("/release", "Release"),
       ("/methodology", "Methodology"), ("/api-docs", "API"))  # fmt: skip


def page(name: str, request: Request, **context: object) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(
        nav=NAV, path=request.url.path, flows=FLOW_LABELS, **context
    )
    return HTMLResponse(html)


def latest_period(request: Request) -> Period:
    with reader(request).store() as store:
        return answers.latest(store)


def overview_answer(read: Reader, month: Period) -> answers.Answer:
    def make() -> answers.Answer:
        with read.store() as store:
            return answers.overview(store, engine(store), month)

    return read.cached(("overview", month.key), make)


def release_page(read: Reader, month: Period) -> str:
    from ..release.html import html

    bar = TEMPLATES.get_template("navbar.html").render(nav=NAV, path="/release")

    def make() -> str:
        with read.store() as store:
            return html(answers.release(store, engine(store), month), banner=bar)

    return read.cached(("release page", month.key), make)


def warm(read: Reader) -> None:
    """Make the latest month's overview and release ahead of the first visitor (the
    analysis behind them takes seconds)."""
    try:
        with read.store() as store:
            month = answers.latest(store)
        overview_answer(read, month)
        release_page(read, month)
    except EntrepotError as exc:  # the pages will say it when asked
        log.info("not warmed: %s", exc)


@router.get("/")
def home(request: Request) -> Response:
    return overview(request, str(latest_period(request)))


@router.get("/overview/{period}")
def overview(request: Request, period: str = Path(pattern=MONTH)) -> Response:
    month = Period.parse(period)
    content = overview_answer(reader(request), month).data
    return page("overview.html", request, o=content, title=f"Overview, {month}")


@router.get("/explorer")
def explorer(request: Request) -> Response:
    with reader(request).store() as store:
        held = [str(Period.from_key(p)) for p in store.periods()]
        currency = store.currency
    return page(
        "explorer.html",
        request,
        title="Explorer",
        index_flows=INDEX_FLOWS,
        breakdowns=BREAKDOWNS,
        periods=held,
        currency=currency,
    )


@router.get("/release")
def latest_release(request: Request) -> Response:
    return RedirectResponse(f"/release/{latest_period(request)}")


@router.get("/release/{period}")
def release(request: Request, period: str = Path(pattern=MONTH)) -> Response:
    return HTMLResponse(release_page(reader(request), Period.parse(period)))


@router.get("/methodology")
def methodology(request: Request) -> Response:
    return page("methodology.html", request, title="Methodology")


def describe(schema: dict[str, Any], spec: dict[str, Any] | None = None) -> str:
    """A parameter's accepted values in a few words, from its schema in the spec."""
    spec = spec or {}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return describe(spec.get("components", {}).get("schemas", {}).get(name, {}), spec)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [describe(s, spec) for s in schema[key] if s.get("type") != "null"]
            return " or ".join(p for p in parts if p)
    if "enum" in schema:
        return ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return "repeatable: " + describe(schema.get("items", {}), spec)
    if "pattern" in schema:
        return f"{schema.get('type', 'string')} matching {schema['pattern']}"
    return str(schema.get("type", ""))


@router.get("/api-docs")
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    return page("api.html", request, title="API", spec=spec, describe=lambda s: describe(s, spec))
