"""Validation rules: one rule per kind of bad input, each a SQL test over the staged load.

Staging keeps every field in the form the store keeps it (``n_period``, ``n_flow``,
``n_value``, …: see :func:`parsed`), computed once per batch, and the text as the file held
it for the rows that break a rule (the text of good rows is not needed). A rule names the field it
checks, a condition over those columns that is true for a bad row, and the reason shown to
the user. A row that breaks any rule is rejected, and every broken rule is reported.

Numbers are read, never guessed: how the files write them (:class:`NumberFormat`) is declared
for the load, and a number that only another declaration would read is rejected as
``ambiguous_number``. Months outside a declared :class:`PeriodRange` are rejected too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..errors import InputError, PeriodError
from ..periods import Period
from ..schema import FLOW_ALIASES, FLOWS, MODES

CEILING = 1e15
"""Largest value (HK$), quantity or net weight one record may carry. Hong Kong trades about
HK$10 trillion (1e13) a year, so a record above a hundred times that is a misread, and the
sum of any number of records stays far from overflowing to infinity."""

FIRST_PERIOD = Period(1990, 1)
"""First month a load accepts unless told otherwise (the last is next month)."""

NUMBER_FIELDS = ("value", "quantity", "net_weight")

TEXT_FORMATS = ("csv", "csd")
"""Reader formats whose numbers are text as the file wrote it, so a declared number format
applies (fixed-width amounts are plain digits, which every format reads)."""

_WHAT = ("the value in {currency}", "the quantity", "the net weight in kg")
"""What each number field holds, as the reasons name it (in :data:`NUMBER_FIELDS` order)."""

_CEILING_TEXT = f"{CEILING:.0e}".replace("e+", "e")
_THOUSANDS_WORD: dict[str | None, str] = {None: "none", " ": "space"}


_SEPARATORS = {",": "comma", ".": "period", " ": "space"}
_SPACES = " \u00a0\u202f"
"""A space separator may be a plain, no-break or narrow no-break space (as French-style
exports write them)."""


@dataclass(frozen=True)
class NumberFormat:
    """How the files of a load write numbers: the decimal mark and thousands separator.

    >>> NumberFormat.parse(",", ".")
    NumberFormat(decimal=',', thousands='.')
    """

    decimal: str = "."
    thousands: str | None = None

    def __post_init__(self) -> None:
        if self.decimal not in (".", ","):
            raise InputError(f"--decimal {self.decimal!r} is not a decimal mark (use . or ,).")
        if self.thousands not in (None, ",", ".", " "):
            raise InputError(
                f"--thousands {self.thousands!r} is not a thousands separator: "
                "use none, a comma, a period or space."
            )
        if self.thousands == self.decimal:
            raise InputError(
                f"--decimal and --thousands are both {self.decimal!r}: a number would read "
                "two ways; declare different marks."
            )

    @classmethod
    def parse(cls, decimal: str, thousands: str) -> NumberFormat:
        """From the option texts: ``thousands`` is ``none``, ``,``, ``.`` or ``space``."""
        words = {"none": None, "": None, "space": " "}
        key = thousands.strip().lower()
        return cls(decimal.strip(), words[key] if key in words else thousands.strip())

    def check_sources(self, sources: Iterable[tuple[object, str]]) -> None:
        """Refuse a declared format for sources (path, reader format) that store numbers as
        numbers: their readers write them with a ``.`` whatever is declared, so ``1.234``
        would read as 1234."""
        if self == NumberFormat():
            return
        typed = [str(path) for path, kind in sources if kind not in TEXT_FORMATS]
        if typed:
            raise InputError(
                f"{self.options_from(NumberFormat())} describes numbers written as text "
                f"(CSV), not those of {', '.join(typed)}: load those files without it."
            )

    def options_from(self, other: NumberFormat) -> str:
        """The options that change ``other`` into this format."""
        parts = []
        if self.decimal != other.decimal:
            parts.append(f"--decimal {self.decimal}")
        if self.thousands != other.thousands:
            parts.append(f"--thousands {_THOUSANDS_WORD.get(self.thousands, self.thousands)}")
        return " ".join(parts)

    @property
    def plain(self) -> str:
        """RE2 pattern of a number with no thousands separator (an exponent is allowed)."""
        d = re.escape(self.decimal)
        return f"[+-]?(\\d+({d}\\d*)?|{d}\\d+)([eE][+-]?\\d+)?"

    @property
    def grouped(self) -> str | None:
        """RE2 pattern of a number with its digits in groups of three, if it has a separator."""
        if self.thousands is None:
            return None
        sep = f"[{_SPACES}]" if self.thousands == " " else re.escape(self.thousands)
        return f"[+-]?\\d{{1,3}}({sep}\\d{{3}})+({re.escape(self.decimal)}\\d*)?"

    @property
    def pattern(self) -> str:
        """RE2 pattern of every number this format reads."""
        return f"{self.plain}|{self.grouped}" if self.grouped else self.plain

    def to_double(self, text: str) -> str:
        """SQL turning ``text`` (known to match :attr:`pattern`) into the plain form."""
        if self.thousands == " ":
            for space in _SPACES:
                text = f"replace({text}, '{space}', '')"
        elif self.thousands is not None:
            text = f"replace({text}, '{self.thousands}', '')"
        if self.decimal != ".":
            text = f"replace({text}, '{self.decimal}', '.')"
        return text


FORMATS = tuple(NumberFormat(d, t) for d in (".", ",") for t in (None, ",", ".", " ") if t != d)
"""Every format a load may declare, the defaults first."""


@dataclass(frozen=True)
class PeriodRange:
    """The months a load accepts, ``first`` to ``last`` inclusive."""

    first: Period
    last: Period

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise InputError(
                f"--periods {self.first}..{self.last} is empty: the first month is after the last."
            )

    @classmethod
    def default(cls, today: date | None = None) -> PeriodRange:
        """1990-01 to next month: later months cannot have been traded yet."""
        today = today or date.today()
        return cls(FIRST_PERIOD, Period(today.year, today.month).shift(1))

    @classmethod
    def parse(cls, text: str, today: date | None = None) -> PeriodRange:
        """``FROM..TO`` as ``YYYY-MM..YYYY-MM``; an empty end keeps its default."""
        first, sep, last = text.strip().partition("..")
        if not sep:
            raise InputError(
                f"--periods {text!r} is not FROM..TO (e.g. 2000-01..2025-12, or 2000-01..)."
            )
        default = cls.default(today)
        try:
            return cls(
                Period.parse(first) if first.strip() else default.first,
                Period.parse(last) if last.strip() else default.last,
            )
        except PeriodError as exc:
            raise PeriodError(f"--periods {text!r}: {exc}") from exc

    def __str__(self) -> str:
        return f"{self.first} to {self.last}"


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _given(field: str) -> str:
    return f"trim({field}) <> ''"


def _number(col: str, numbers: NumberFormat) -> str:
    # Only text of the declared form is read; the pattern leaves no NaN or infinity spelling,
    # so an infinite result can only be an overflow, which the range rules reject. Spaces
    # around the number are matched, not trimmed: TRY_CAST ignores them, and trim() would
    # cost as much as the rest of the parse.
    return (
        f"CASE WHEN regexp_full_match({col}, {_lit(f' *({numbers.pattern}) *')}) "
        f"THEN TRY_CAST({numbers.to_double(col)} AS DOUBLE) END"
    )


def _flow(col: str) -> str:
    # Spellings of total exports become total_exports, which no record carries: the
    # unknown_flow rule rejects them. A flow spelled as stored is taken as it is: nearly
    # every row, and comparing is cheaper than lowering.
    base = f"replace(replace(lower(trim({col})), '-', '_'), ' ', '_')"
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in FLOW_ALIASES.items())
    return f"CASE WHEN {col} IN ({_sql_list(FLOWS)}) THEN {col} ELSE CASE {base} {cases} ELSE {base} END END"


def _typed_number(col: str) -> str:
    # What the number's text would read as, without writing it: DuckDB writes a double so
    # that it reads back the same, and NaN or an infinity reads as no number.
    return f"CASE WHEN isfinite(CAST({col} AS DOUBLE)) THEN CAST({col} AS DOUBLE) END"


def parsed(
    numbers: NumberFormat, typed: frozenset[str] = frozenset()
) -> dict[str, tuple[str, str]]:
    """Each field in the form the store keeps (type, SQL over the text as read): codes
    trimmed and cased, numbers read as ``numbers`` declares (null where the text does not
    read). The number fields in ``typed`` are read as numbers already (a Parquet file's
    doubles and integers), and read as their text would be."""
    return {
        # Spaces around are matched rather than trimmed (trim() copies the text); DuckDB's
        # trim() removes spaces only, so both read the same text.
        "n_period": (
            "INTEGER",
            "CASE WHEN regexp_full_match(period, ' *\\d{4}-?(0[1-9]|1[0-2]) *') "
            "THEN CAST(replace(trim(period), '-', '') AS INTEGER) END",
        ),
        "n_flow": ("VARCHAR", _flow("flow")),
        "n_commodity": ("VARCHAR", "trim(commodity)"),
        "n_partner": ("VARCHAR", "upper(trim(partner))"),
        "n_consignment": ("VARCHAR", "nullif(upper(trim(consignment)), '')"),
        "n_origin": ("VARCHAR", "nullif(upper(trim(origin)), '')"),
        "n_mode": (
            "VARCHAR",
            f"CASE WHEN mode IN ({_sql_list(MODES)}) THEN mode ELSE nullif(lower(trim(mode)), '') END",
        ),
        "n_unit": ("VARCHAR", "nullif(upper(trim(unit)), '')"),
        **{
            f"n_{field}": (
                "DOUBLE",
                _typed_number(field) if field in typed else _number(field, numbers),
            )
            for field in NUMBER_FIELDS
        },
    }


PARSED = parsed(NumberFormat())
"""The staged fields with the default number format; their names and types hold for every
format."""


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


def _readings(numbers: NumberFormat) -> list[tuple[NumberFormat, str]]:
    """The other formats, each with the pattern of the text it is named for.

    A format with a thousands separator is named for text that uses it: text without one
    reads the same with no separator, a format named (or declared) on its own.
    """
    return [(other, other.grouped or other.plain) for other in FORMATS if other != numbers]


def _ambiguous(field: str, numbers: NumberFormat) -> tuple[str, str]:
    """Condition and reason of text that another declared number format would read."""
    text = f"trim({field})"
    readings = _readings(numbers)
    reads_otherwise = f"regexp_full_match({text}, {_lit('|'.join(p for _, p in readings))})"
    seen = []
    for sep, name in _SEPARATORS.items():
        has = (
            f"regexp_matches({text}, '[{_SPACES}]')" if sep == " " else f"contains({text}, '{sep}')"
        )
        if sep == numbers.decimal:
            has = f"length({text}) - length(replace({text}, '{sep}', '')) > 1"
            name = f"more than one {name}"
        else:
            name = f"a {name}" + (" not in groups of three" if sep == numbers.thousands else "")
        seen.append(f"CASE WHEN {has} THEN '{name}' END")
    options = []
    for other, pattern in readings:
        reads = f"regexp_full_match({text}, {_lit(pattern)})"
        if other.decimal != numbers.decimal and other.thousands != numbers.decimal:
            # Without its decimal mark the text reads the same with the declared one.
            reads += f" AND contains({text}, '{other.decimal}')"
        options.append(f"CASE WHEN {reads} THEN {_lit(other.options_from(numbers))} END")
    reason = (
        f"'has ' || concat_ws(' and ', {', '.join(seen)}) || ': declare ' "
        f"|| concat_ws(' or ', {', '.join(options)}) || ' to read it'"
    )
    return reads_otherwise, reason


def rules(numbers: NumberFormat, periods: PeriodRange, currency: str = "HK$") -> tuple[Rule, ...]:
    """Every rule of a load that reads numbers as ``numbers``, accepts ``periods`` and
    whose values are in ``currency``."""
    ambiguous = {field: _ambiguous(field, numbers) for field in NUMBER_FIELDS}
    whats = [w.format(currency=currency) for w in _WHAT]
    return (
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
            "period_out_of_range",
            "period",
            f"n_period NOT BETWEEN {periods.first.key} AND {periods.last.key}",
            _lit(
                f"is outside {periods}, the months this load accepts: "
                "declare --periods FROM..TO to load it"
            ),
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
            f"{_given('commodity')} AND NOT regexp_full_match(trim(commodity), "
            "'\\d{6}|\\d{8}|\\d{10}|\\d{12}')",
            _lit(
                "is not a commodity code: expected 8 digits (HKHS) or 6 digits (HS), as text "
                "(10 or 12 for a national tariff line)"
            ),
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
        # The number rules look further only where the number did not read, through CASE:
        # staging evaluates both sides of an AND on every row, a CASE's THEN only on the
        # rows its WHEN selects, and nearly every row reads.
        *(
            Rule(
                f"non_numeric_{field}",
                field,
                f"CASE WHEN n_{field} IS NULL THEN {_given(field)} AND NOT {ambiguous[field][0]} END",
                _lit(f"is not a number: expected {what}"),
            )
            for field, what in zip(NUMBER_FIELDS, whats, strict=True)
        ),
        *(
            Rule(
                "ambiguous_number",
                field,
                f"CASE WHEN n_{field} IS NULL THEN {_given(field)} AND {ambiguous[field][0]} END",
                ambiguous[field][1],
            )
            for field in NUMBER_FIELDS
        ),
        *(
            Rule(
                f"{field}_out_of_range",
                field,
                f"n_{field} > {CEILING!r}",
                _lit(f"is out of range: {what} of one record is at most {_CEILING_TEXT}"),
            )
            for field, what in zip(NUMBER_FIELDS, whats, strict=True)
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
            rows="_staged JOIN _duplicates USING (_row)",
        ),
    )


def any_bad(checks: tuple[Rule, ...]) -> str:
    """SQL true for a row that breaks any rule checkable within its batch (all but repeated
    ids): the rules as written, one test per rule. :func:`accepted` says the same thing
    faster, and is what a load computes for every row."""
    return " OR ".join(f"coalesce({r.bad}, false)" for r in checks if r.rows == "_flagged")


_CODE = "'[A-Z0-9]{2,3}'"


def accepted(periods: PeriodRange, typed: frozenset[str] = frozenset()) -> str:
    """SQL true for a row that breaks no rule checkable within its batch: exactly the rows
    where ``any_bad(rules(numbers, periods))`` is false, whatever ``numbers`` (over the
    fields :func:`parsed` with ``typed``).

    A load computes this for every row, so it is said positively over the parsed fields: a
    field that parsed is given and well formed, and what is left to test is its range. The
    rules are spelled out only for the rows this rejects.
    """
    ceiling = repr(CEILING)

    def number(field: str, unless: str = "") -> str:
        absent = (
            f"{field} IS NULL" if field in typed else f"({field} IS NULL OR trim({field}) = '')"
        )
        return (
            f"CASE WHEN n_{field} IS NULL THEN {unless}{absent} "
            f"ELSE n_{field} BETWEEN 0 AND {ceiling} END"
        )

    def code(field: str) -> str:
        return f"(n_{field} IS NULL OR regexp_full_match(n_{field}, {_CODE}))"

    tests = [
        "_problem IS NULL",
        f"n_period BETWEEN {periods.first.key} AND {periods.last.key}",
        f"n_flow IN ({_sql_list(FLOWS)})",
        "regexp_full_match(commodity, ' *(\\d{6}|\\d{8}|\\d{10}|\\d{12}) *')",
        f"regexp_full_match(n_partner, {_CODE})",
        code("consignment"),
        code("origin"),
        f"(n_mode IS NULL OR n_mode IN ({_sql_list(MODES)}))",
        f"n_value BETWEEN 0 AND {ceiling}",
        number("quantity", unless="n_unit IS NULL AND "),
        number("net_weight"),
    ]
    return f"coalesce({' AND '.join(tests)}, false)"


RULES: tuple[Rule, ...] = rules(NumberFormat(), PeriodRange.default())
"""The rules with the default options as of import; a load builds its own with :func:`rules`."""

RULE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(r.name for r in RULES))

DUPLICATES_SQL = """
    SELECT _row, first_value(file) OVER w AS _first_file, first_value(_line) OVER w AS _first_line
    FROM _staged WHERE record_id IS NOT NULL
    WINDOW w AS (PARTITION BY record_id ORDER BY _row)
    QUALIFY row_number() OVER w > 1"""
"""Every record id seen before in the same load, with where it was first seen."""
