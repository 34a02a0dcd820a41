"""Validation rules: one rule per kind of bad input, each a SQL test over the staged load.

Staging keeps every field in the form the store keeps it (``n_period``, ``n_flow``,
``n_value``, …: see :data:`PARSED`), computed once per batch, and the text as the file held
it for the rows that break a rule (the text of good rows is not needed). A rule names the field it
checks, a condition over those columns that is true for a bad row, and the reason shown to
the user. A row that breaks any rule is rejected, and every broken rule is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import FLOW_ALIASES, FLOWS, MODES


def _number(col: str) -> str:
    # Thousands separators are accepted; NaN and infinity are not numbers here.
    n = f"TRY_CAST(replace({col}, ',', '') AS DOUBLE)"
    return f"CASE WHEN isfinite({n}) THEN {n} END"


def _flow(col: str) -> str:
    # Spellings of total exports become total_exports, which no record carries: the
    # unknown_flow rule rejects them.
    base = f"replace(replace(lower(trim({col})), '-', '_'), ' ', '_')"
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in FLOW_ALIASES.items())
    return f"CASE {base} {cases} ELSE {base} END"


PARSED: dict[str, tuple[str, str]] = {
    "n_period": (
        "INTEGER",
        "CASE WHEN regexp_full_match(trim(period), '\\d{4}-?(0[1-9]|1[0-2])') "
        "THEN CAST(replace(trim(period), '-', '') AS INTEGER) END",
    ),
    "n_flow": ("VARCHAR", _flow("flow")),
    "n_commodity": ("VARCHAR", "trim(commodity)"),
    "n_partner": ("VARCHAR", "upper(trim(partner))"),
    "n_consignment": ("VARCHAR", "nullif(upper(trim(consignment)), '')"),
    "n_origin": ("VARCHAR", "nullif(upper(trim(origin)), '')"),
    "n_mode": ("VARCHAR", "nullif(lower(trim(mode)), '')"),
    "n_unit": ("VARCHAR", "nullif(upper(trim(unit)), '')"),
    "n_value": ("DOUBLE", _number("value")),
    "n_quantity": ("DOUBLE", _number("quantity")),
    "n_net_weight": ("DOUBLE", _number("net_weight")),
}
"""Each field in the form the store keeps (type, SQL over the text as read): codes trimmed
and cased, numbers parsed (null where the text does not parse)."""


@dataclass(frozen=True)
class Rule:
    name: str
    field: str
    bad: str
    """SQL condition over the staged columns, true for a bad row."""
    reason: str
    """SQL expression giving the message for a bad row."""
    rows: str = "_flagged"
    """Where the rule looks: the flagged rows with their text, or another relation."""


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _given(field: str) -> str:
    return f"trim({field}) <> ''"


RULES: tuple[Rule, ...] = (
    Rule("unreadable_record", "line", "_problem IS NOT NULL", "_problem"),
    *(
        Rule(
            f"missing_{field}",
            field,
            f"_problem IS NULL AND ({field} IS NULL OR trim({field}) = '')",
            _lit(f"{field} is empty; every record needs one"),
        )
        for field in ("period", "flow", "commodity", "partner", "value")
    ),
    Rule(
        "malformed_period",
        "period",
        f"{_given('period')} AND n_period IS NULL",
        _lit("is not a valid month: expected YYYY-MM, e.g. 2025-12"),
    ),
    Rule(
        "unknown_flow",
        "flow",
        f"{_given('flow')} AND n_flow NOT IN ({_sql_list(FLOWS)})",
        _lit(f"is not a known flow: expected one of {', '.join(FLOWS)}"),
    ),
    Rule(
        "malformed_commodity",
        "commodity",
        f"{_given('commodity')} AND NOT regexp_full_match(trim(commodity), '\\d{{6}}|\\d{{8}}')",
        _lit("is not a commodity code: expected 8 digits (HKHS) or 6 digits (HS), as text"),
    ),
    *(
        Rule(
            f"malformed_{field}",
            field,
            f"{_given(field)} AND NOT regexp_full_match(upper(trim({field})), '[A-Z0-9]{{2,3}}')",
            _lit("is not a country code: expected 2 or 3 letters or digits"),
        )
        for field in ("partner", "consignment", "origin")
    ),
    Rule(
        "unknown_mode",
        "mode",
        f"{_given('mode')} AND lower(trim(mode)) NOT IN ({_sql_list(MODES)})",
        _lit(f"is not a transport mode: expected one of {', '.join(MODES)}"),
    ),
    *(
        Rule(
            f"non_numeric_{field}",
            field,
            f"{_given(field)} AND n_{field} IS NULL",
            _lit(f"is not a number: expected {what}"),
        )
        for field, what in (
            ("value", "the value in HK$"),
            ("quantity", "the quantity"),
            ("net_weight", "the net weight in kg"),
        )
    ),
    Rule(
        "negative_value",
        "value",
        "n_value < 0",
        _lit("is negative: values are not negative"),
    ),
    *(
        Rule(
            f"negative_{field}",
            field,
            f"n_{field} < 0",
            _lit("is negative: expected zero or more"),
        )
        for field in ("quantity", "net_weight")
    ),
    Rule(
        "missing_quantity",
        "quantity",
        f"{_given('unit')} AND (quantity IS NULL OR trim(quantity) = '')",
        "'is empty but the unit ' || trim(unit) || ' is declared: give the quantity or no unit'",
    ),
    Rule(
        "duplicate_record_id",
        "record_id",
        "TRUE",
        "'repeats the record id first seen at ' || _first_file || ' line ' || _first_line",
        rows="_staging JOIN _duplicates USING (_row)",
    ),
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)

ANY_BAD = " OR ".join(f"coalesce({r.bad}, false)" for r in RULES if r.rows == "_flagged")
"""True for a row that breaks any rule checkable within its batch (all but repeated ids).
Staging computes it once per row, so the rules are spelled out only for flagged rows."""

DUPLICATES_SQL = """
    SELECT _row, first_value(file) OVER w AS _first_file, first_value(_line) OVER w AS _first_line
    FROM _staging WHERE record_id IS NOT NULL
    WINDOW w AS (PARTITION BY record_id ORDER BY _row)
    QUALIFY row_number() OVER w > 1"""
"""Every record id seen before in the same load, with where it was first seen."""
