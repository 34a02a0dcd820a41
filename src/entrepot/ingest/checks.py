"""Validation rules: one rule per kind of bad input, each a SQL test over the staged batch.

A rule names the field it checks, a condition that is true for a bad row, and the reason
shown to the user. Rules run over the whole staged load at once (DuckDB, vectorised); a row
that breaks any rule is rejected, and every broken rule is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import FLOWS, MODES

_flows = ", ".join(FLOWS)
_modes = ", ".join(MODES)


@dataclass(frozen=True)
class Rule:
    name: str
    field: str
    bad: str
    """SQL condition over the normalised staging columns, true for a bad row."""
    reason: str
    """SQL expression giving the message for a bad row."""


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _number(col: str) -> str:
    return f"TRY_CAST(replace({col}, ',', '') AS DOUBLE)"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


RULES: tuple[Rule, ...] = (
    Rule(
        "unreadable_record",
        "line",
        "_problem IS NOT NULL",
        "_problem",
    ),
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
        "trim(period) <> '' AND NOT regexp_full_match(trim(period), '\\d{4}-?(0[1-9]|1[0-2])')",
        _lit("is not a valid month: expected YYYY-MM, e.g. 2025-12"),
    ),
    Rule(
        "unknown_flow",
        "flow",
        f"trim(flow) <> '' AND n_flow NOT IN ({_sql_list(FLOWS)})",
        _lit(f"is not a known flow: expected one of {_flows}"),
    ),
    Rule(
        "malformed_commodity",
        "commodity",
        "trim(commodity) <> '' AND NOT regexp_full_match(trim(commodity), '\\d{6}|\\d{8}')",
        _lit("is not a commodity code: expected 8 digits (HKHS) or 6 digits (HS), as text"),
    ),
    *(
        Rule(
            f"malformed_{field}",
            field,
            f"trim({field}) <> '' AND NOT regexp_full_match(upper(trim({field})), '[A-Z0-9]{{2,3}}')",
            _lit("is not a country code: expected 2 or 3 letters or digits"),
        )
        for field in ("partner", "consignment", "origin")
    ),
    Rule(
        "unknown_mode",
        "mode",
        f"mode IS NOT NULL AND trim(mode) <> '' AND lower(trim(mode)) NOT IN ({_sql_list(MODES)})",
        _lit(f"is not a transport mode: expected one of {_modes}"),
    ),
    Rule(
        "non_numeric_value",
        "value",
        f"trim(value) <> '' AND ({_number('value')} IS NULL OR NOT isfinite({_number('value')}))",
        _lit("is not a number: expected the value in HK$"),
    ),
    Rule(
        "negative_value",
        "value",
        f"{_number('value')} < 0",
        _lit("is negative: values are not negative"),
    ),
    *(
        Rule(
            f"non_numeric_{field}",
            field,
            f"trim({field}) <> '' AND ({_number(field)} IS NULL OR NOT isfinite({_number(field)}))",
            _lit(f"is not a number: expected the {what}"),
        )
        for field, what in (("quantity", "quantity"), ("net_weight", "net weight in kg"))
    ),
    *(
        Rule(
            f"negative_{field}",
            field,
            f"{_number(field)} < 0",
            _lit("is negative: expected zero or more"),
        )
        for field in ("quantity", "net_weight")
    ),
    Rule(
        "missing_quantity",
        "quantity",
        "unit IS NOT NULL AND trim(unit) <> '' AND (quantity IS NULL OR trim(quantity) = '')",
        "'is empty but the unit ' || trim(unit) || ' is declared: give the quantity or no unit'",
    ),
    Rule(
        "duplicate_record_id",
        "record_id",
        "_first_row IS NOT NULL",
        "'repeats the record id first seen at ' || _first_file || ' line ' || _first_line",
    ),
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)
