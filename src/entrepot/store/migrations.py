"""Versioned schema migrations for the store.

Each migration is a list of steps (SQL statements, or functions of the connection when a
step depends on the data) applied once, in order, inside one transaction;
``meta.schema_version`` records how far a store has come. Add a migration at the end; never
edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from ..schema import CELL_COLUMNS, MODE_IMTS, MODE_LABELS
from .domains import widen

_cells = ",\n    ".join(f"{name} {kind}" for name, kind in CELL_COLUMNS.items())
_modes = ", ".join(
    f"('{mode}', '{MODE_LABELS[mode]}', '{code}', '{label}')"
    for mode, (code, label) in MODE_IMTS.items()
)

_RATES = (
    "value_index", "value_mom_pct", "price_mom_pct", "volume_mom_pct", "value_ytd_pct",
    "price_ytd_pct", "volume_ytd_pct", "volume_ref_mean",
)  # fmt: skip

Step = str | Callable[[duckdb.DuckDBPyConnection], object]

MIGRATIONS: list[list[Step]] = [
    # 1: records as monthly cells, the audit trail of loads, rejects and revisions.
    [
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        f"CREATE TABLE cells (\n    {_cells}\n)",
        """CREATE TABLE loads (
            load_id BIGINT PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP,
            files VARCHAR, rows_read BIGINT, rows_stored BIGINT, rows_rejected BIGINT,
            cells BIGINT, value DOUBLE)""",
        """CREATE TABLE rejects (
            load_id BIGINT, file VARCHAR, line BIGINT, field VARCHAR, value VARCHAR,
            rule VARCHAR, reason VARCHAR)""",
        """CREATE TABLE revisions (
            revision_id BIGINT PRIMARY KEY, load_id BIGINT, period INTEGER, flow VARCHAR,
            revised_at TIMESTAMP, files VARCHAR, old_load_id BIGINT,
            old_value DOUBLE, new_value DOUBLE, old_cells BIGINT, new_cells BIGINT)""",
    ],
    # 2: classifications. SITC codes are kept as published (1 to 5 digits); the compute
    # layer derives section, division and group from their leading digits.
    [
        """CREATE TABLE commodity_sitc (
            commodity VARCHAR PRIMARY KEY, sitc VARCHAR NOT NULL, source VARCHAR)""",
        """CREATE TABLE sitc (
            code VARCHAR PRIMARY KEY, level INTEGER NOT NULL, name VARCHAR NOT NULL)""",
        """CREATE TABLE partners (
            code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, region VARCHAR, area VARCHAR,
            source VARCHAR)""",
        """CREATE TABLE classification_overrides (
            commodity VARCHAR, published_sitc VARCHAR, sitc VARCHAR, source VARCHAR,
            reason VARCHAR)""",
        """CREATE TABLE modes (
            mode VARCHAR PRIMARY KEY, name VARCHAR, imts_code VARCHAR, imts_name VARCHAR)""",
        f"INSERT INTO modes VALUES {_modes}",
    ],
    # 3: compiled unit value and volume indices, with the options that produced them.
    [
        """CREATE TABLE compilations (
            compile_id BIGINT PRIMARY KEY, created TIMESTAMP, backend VARCHAR,
            formula VARCHAR, reference_year INTEGER, options VARCHAR, store_loads BIGINT)""",
        """CREATE TABLE index_series (
            compile_id BIGINT, measure VARCHAR, breakdown VARCHAR, key VARCHAR, label VARCHAR,
            period INTEGER, value DOUBLE, value_yoy_pct DOUBLE, price_index DOUBLE,
            price_yoy_pct DOUBLE, volume_index DOUBLE, volume_yoy_pct DOUBLE,
            price_coverage DOUBLE, laspeyres_yoy DOUBLE, paasche_yoy DOUBLE, fisher_yoy DOUBLE,
            tornqvist_yoy DOUBLE, cells_matched BIGINT)""",
        """CREATE TABLE index_trims (
            compile_id BIGINT, period INTEGER, flow VARCHAR, commodity VARCHAR,
            partner VARCHAR, unit VARCHAR, relative DOUBLE, v0 DOUBLE, v1 DOUBLE)""",
        """CREATE TABLE cell_homogeneity (
            compile_id BIGINT, year INTEGER, flow VARCHAR, commodity VARCHAR, partner VARCHAR,
            unit VARCHAR, months INTEGER, mean_unit_value DOUBLE, cv DOUBLE)""",
    ],
    # 4: the cell keys other than the period as dictionary codes (see store.domains).
    [widen],
    # 5: classifications that say what they hold: the HS edition of each commodity → SITC
    # row, commodity names (with the office's quantity unit of each item), and partners'
    # memberships of regional groupings (a partner may belong to several).
    [
        "ALTER TABLE commodity_sitc ADD COLUMN edition VARCHAR",
        """CREATE TABLE commodities (
            commodity VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, unit VARCHAR,
            source VARCHAR, edition VARCHAR)""",
        """CREATE TABLE partner_groups (
            code VARCHAR, grouping VARCHAR, grouping_name VARCHAR, source VARCHAR,
            PRIMARY KEY (code, grouping))""",
    ],
    # 6: imputed cells counted apart from matched ones in every index node.
    ["ALTER TABLE index_series ADD COLUMN cells_imputed BIGINT"],
    # 7: rates from the published levels (month on month, year to date), the value index,
    # coverage and reference-year volume flags; trims and homogeneity with every cell key.
    [
        *(f"ALTER TABLE index_series ADD COLUMN {column} DOUBLE" for column in _RATES),
        "ALTER TABLE index_series ADD COLUMN low_coverage BOOLEAN",
        *(
            f"ALTER TABLE index_trims ADD COLUMN {column} VARCHAR"
            for column in ("mode", "origin", "consignment", "rule")
        ),
        *(
            f"ALTER TABLE cell_homogeneity ADD COLUMN {column} VARCHAR"
            for column in ("mode", "origin", "consignment")
        ),
    ],
    # 8: nothing a load removes is lost. Cells a load replaced (or a revert took back) go
    # to cells_archive with the load that removed them; records that carry an id are kept
    # one by one, so that an amendment can take back exactly what they contributed; each
    # load says how it was made and the files it read (by content hash).
    [
        f"CREATE TABLE cells_archive (\n    {_cells},\n    removed_by BIGINT\n)",
        f"CREATE TABLE records (\n    record_id VARCHAR,\n    {_cells},\n    removed_by BIGINT\n)",
        "ALTER TABLE loads ADD COLUMN mode VARCHAR",
        "ALTER TABLE loads ADD COLUMN reverts BIGINT",
        """CREATE TABLE load_files (
            load_id BIGINT, file VARCHAR, sha256 VARCHAR, bytes BIGINT)""",
    ],
    # 9: seasonally adjusted series, each with what it adjusts (flow, measure, breakdown,
    # key, filters, and the whole description as canonical JSON), the options, a hash of
    # the exact input (periods and values) and how X-13 (or STL) made it, so that asking
    # again for the same series of the same input reads it instead of adjusting again.
    [
        """CREATE TABLE adjusted_series (
            adjustment_id BIGINT PRIMARY KEY, created TIMESTAMP, flow VARCHAR,
            measure VARCHAR, breakdown VARCHAR, key VARCHAR, filters VARCHAR,
            what VARCHAR NOT NULL, options VARCHAR NOT NULL, input_hash VARCHAR NOT NULL,
            first_period INTEGER, last_period INTEGER, method VARCHAR, model VARCHAR,
            regressors VARCHAR, residual_qs DOUBLE, residual_qs_pvalue DOUBLE,
            notes VARCHAR)""",
        """CREATE TABLE adjusted_values (
            adjustment_id BIGINT, period INTEGER, original DOUBLE, adjusted DOUBLE)""",
    ],
    # 10: releases as published: the period, the newest load and the compilation they saw,
    # the formats and folder they were written to, and every figure as printed (JSON), so
    # that the next release of the period can say what changed since.
    [
        """CREATE TABLE releases (
            release_id BIGINT PRIMARY KEY, period INTEGER NOT NULL, created TIMESTAMP,
            last_load BIGINT, compile_id BIGINT, formats VARCHAR, out_dir VARCHAR,
            figures VARCHAR NOT NULL)""",
    ],
    # 11: the exchange rates a load converted its values at, month by month (values in
    # another currency than the store's are converted when loaded, never mixed).
    [
        """CREATE TABLE load_rates (
            load_id BIGINT, period INTEGER, currency VARCHAR, rate DOUBLE)""",
    ],
    # 12: the correlation of two HS editions (UNSD's tables): which codes kept their
    # content across the change, and which were split or merged.
    [
        """CREATE TABLE hs_correlation (
            new_edition VARCHAR, new_code VARCHAR, old_edition VARCHAR, old_code VARCHAR,
            relationship VARCHAR, source VARCHAR,
            PRIMARY KEY (new_edition, new_code, old_edition, old_code))""",
    ],
    # 13: the HS edition the records of each month are in (from the load that stored them).
    [
        """CREATE TABLE period_editions (
            period INTEGER PRIMARY KEY, edition VARCHAR NOT NULL, load_id BIGINT)""",
    ],
    # 14: annual figures (UN Comtrade's annual rows), apart from the monthly cells so that
    # a year is never summed with its months. A row a later load replaced, or a revert
    # undid, stays, with the id of that load in removed_by.
    [
        """CREATE TABLE annual_cells (
            year INTEGER, flow VARCHAR, commodity VARCHAR, partner VARCHAR,
            consignment VARCHAR, mode VARCHAR, unit VARCHAR, value DOUBLE, quantity DOUBLE,
            net_weight DOUBLE, records BIGINT, load_id BIGINT, removed_by BIGINT)""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
