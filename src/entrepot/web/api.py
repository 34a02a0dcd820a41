"""The JSON API: each route reads its parameters, opens the store and returns an answer of
:mod:`.answers` (the same object as the CLI's ``--json``), or the same table as CSV,
Parquet or Excel with ``?format=``.

Parameters are checked before anything is read: flows, measures, breakdowns and formats are
enumerations (an unknown one is a 422 naming the valid ones), periods and codes must have
their form, and filter values must name what the store holds. No SQL is assembled from a
request: values reach the library as data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from .. import tables
from ..errors import InputError
from ..periods import Period
from ..store import Store
from . import answers
from .access import Reader, engine
from .answers import Answer


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route takes, its dependencies' included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_parameters(request: Request) -> None:
    """Refuse a parameter the route does not take: a misspelt filter (``partnr=USA``) would
    otherwise be ignored, and the answer would look filtered when it is not."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InputError(
            f"Unknown parameter {unknown[0][:40]!r}: this route takes "
            f"{', '.join(sorted(allowed)) or 'none'}."
        )


MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Problem(BaseModel):
    """Why a request was not answered: one line, or (for a malformed parameter) FastAPI's
    list of what was expected where."""

    detail: str | list[dict[str, Any]]


PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "The store does not hold what was asked for."},
    422: {"model": Problem, "description": "A parameter is unknown or not valid."},
    503: {"model": Problem, "description": "The store is being written, or cannot be read."},
}

TABLES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer as JSON, or (with ``format``) its table as a file.",
        "content": {"application/json": {}, **{media: {} for media in MEDIA.values()}},
    }
}
"""What a route that downloads as a table answers."""

router = APIRouter(
    prefix="/api", tags=["api"], dependencies=[Depends(known_parameters)], responses=PROBLEMS
)


class Flow(StrEnum):
    """:data:`entrepot.schema.INDEX_FLOWS` (a test keeps them the same)."""

    total_exports = "total_exports"
    domestic_exports = "domestic_exports"
    re_exports = "re_exports"
    imports = "imports"
    terms_of_trade = "terms_of_trade"


class Breakdown(StrEnum):
    """:data:`entrepot.schema.BREAKDOWNS` (a test keeps them the same)."""

    total = "total"
    section = "section"
    division = "division"
    group = "group"
    chapter = "chapter"
    partner = "partner"
    region = "region"
    origin = "origin"
    mode = "mode"


class Measure(StrEnum):
    value = "value"
    price = "price"
    volume = "volume"


class Format(StrEnum):
    json = "json"
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


class Topic(StrEnum):
    """:data:`entrepot.analysis.facts.TOPICS` (a test keeps them the same)."""

    level = "level"
    comparison = "comparison"
    region = "region"
    seasonal = "seasonal"
    streak = "streak"
    contribution = "contribution"
    split_ = "split"  # not ``split``: str has a method of that name
    mover = "mover"
    share = "share"
    surge = "surge"
    mix = "mix"
    transport = "transport"


MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
CODE = r"^[A-Za-z0-9:. _-]{1,40}$"
"""A filter value: a code, a prefix (``hs:84``, ``sitc:77``) or a group's name."""

PeriodPath = Annotated[str, Path(pattern=MONTH, description="The month, YYYY-MM.")]
Month = Annotated[str | None, Query(pattern=MONTH, description="A month, YYYY-MM.")]
Codes = Annotated[list[Annotated[str, Query(pattern=CODE)]] | None, Query(max_length=50)]
FormatQuery = Annotated[Format, Query(description="json, or a table as csv, parquet, xlsx.")]


def reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


@dataclass(frozen=True)
class Body:
    """A response as sent: kept, so that a kept answer costs no encoding."""

    content: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


def encoded(answer: Answer, fmt: Format) -> Body:
    """The answer as JSON, or its table in the format asked for, as a download."""
    if fmt.value == "json":
        return Body(bytes(JSONResponse(answer.data).body), "application/json")
    if answer.frame is None:
        raise InputError("This answer is not a table: ask for format=json.")
    return Body(
        tables.encoded(answer.frame(), fmt.value, sheet=answer.name),
        MEDIA[fmt.value],
        {"Content-Disposition": f'attachment; filename="{answer.name}.{fmt.value}"'},
    )


async def answer(
    request: Request,
    key: tuple[Any, ...],
    make: Callable[[Store], Answer],
    fmt: Format,
) -> Response:
    """The answer of ``key`` in ``fmt``: kept, or made on the store opened read-only."""
    read = reader(request)

    def fresh() -> Body:
        with read.store() as store:
            return encoded(make(store), fmt)

    body = await read.computed((*key, fmt.value), fresh)
    return Response(body.content, media_type=body.media_type, headers=body.headers)


def cell_filters(
    partner: Codes = None,
    commodity: Codes = None,
    origin: Codes = None,
    mode: Codes = None,
) -> dict[str, tuple[str, ...]]:
    """The filters of the CLI's ``--partner``, ``--commodity``, ``--origin`` and ``--mode``
    (each repeatable)."""
    return {
        "partner": tuple(partner or ()),
        "commodity": tuple(commodity or ()),
        "origin": tuple(origin or ()),
        "mode": tuple(mode or ()),
    }


Filters = Annotated[dict[str, tuple[str, ...]], Depends(cell_filters)]


@router.get(
    "/periods", responses=TABLES, summary="The months held, the latest, when each was last revised"
)
async def periods(request: Request, format: FormatQuery = Format.json) -> Response:
    return await answer(request, ("periods",), answers.periods, format)


@router.get(
    "/summary/{period}",
    responses=TABLES,
    summary="Values of a month and the year to date (summary --json)",
)
async def summary(
    request: Request,
    filters: Filters,
    period: PeriodPath,
    by: Breakdown | None = None,
    format: FormatQuery = Format.json,
) -> Response:
    month = Period.parse(period)
    breakdown = by.value if by else None
    return await answer(
        request,
        ("summary", month.key, breakdown, tuple(filters.items())),
        lambda store: answers.summary(engine(store, **filters), month, breakdown),
        format,
    )


@router.get(
    "/indices/{period}",
    responses=TABLES,
    summary="Price and volume indices of a month (indices --json)",
)
async def indices(
    request: Request,
    filters: Filters,
    period: PeriodPath,
    flow: Flow = Flow.total_exports,
    by: Breakdown = Breakdown.total,
    format: FormatQuery = Format.json,
) -> Response:
    month = Period.parse(period)
    return await answer(
        request,
        ("indices", month.key, flow.value, by.value, tuple(filters.items())),
        lambda store: answers.indices(store, engine(store, **filters), month, flow.value, by.value),
        format,
    )


@router.get(
    "/series", responses=TABLES, summary="Monthly value, price or volume series (series --json)"
)
async def series(
    request: Request,
    filters: Filters,
    flow: Flow = Flow.total_exports,
    measure: Measure = Measure.value,
    by: Breakdown = Breakdown.total,
    key: Codes = None,
    adjusted: bool = False,
    start: Month = None,
    end: Month = None,
    format: FormatQuery = Format.json,
) -> Response:
    first = Period.parse(start) if start else None
    last = Period.parse(end) if end else None
    keys = tuple(key or ())
    return await answer(
        request,
        ("series", flow.value, measure.value, by.value, keys, adjusted, start, end,
         tuple(filters.items())),
        lambda store: answers.series(
            store, engine(store, **filters), flow=flow.value, measure=measure.value,
            by=by.value, keys=keys, adjusted=adjusted, start=first, end=last,
        ),
        format,
    )  # fmt: skip


@router.get(
    "/analyse/{period}",
    responses=TABLES,
    summary="The facts of a month's analysis (analyse --json)",
)
async def analyse(
    request: Request,
    filters: Filters,
    period: PeriodPath,
    topic: Annotated[list[Topic] | None, Query()] = None,
    adjusted: bool = False,
    format: FormatQuery = Format.json,
) -> Response:
    month = Period.parse(period)
    topics = tuple(t.value for t in topic or ())
    return await answer(
        request,
        ("analyse", month.key, topics, adjusted, tuple(filters.items())),
        lambda store: answers.analysis(
            store, engine(store, **filters), month, adjusted=adjusted, topics=topics
        ),
        format,
    )


@router.get(
    "/release/{period}",
    responses=TABLES,
    summary="A month's release: every figure with its provenance",
)
async def release(
    request: Request, period: PeriodPath, format: FormatQuery = Format.json
) -> Response:
    month = Period.parse(period)
    return await answer(
        request,
        ("release", month.key),
        lambda store: answers.release_figures(store, engine(store), month),
        format,
    )


@router.get("/overview/{period}", summary="The overview page's content")
async def overview(request: Request, period: PeriodPath) -> Response:
    month = Period.parse(period)
    return await answer(
        request,
        ("overview", month.key),
        lambda store: answers.overview(store, engine(store), month),
        Format.json,
    )


@router.get("/loads", responses=TABLES, summary="Every load (history --json's loads)")
async def loads(request: Request, format: FormatQuery = Format.json) -> Response:
    return await answer(request, ("loads",), answers.loads, format)


@router.get(
    "/revisions",
    responses=TABLES,
    summary="Every month a load revised (history --json's revisions)",
)
async def revisions(request: Request, format: FormatQuery = Format.json) -> Response:
    return await answer(request, ("revisions",), answers.revisions, format)
