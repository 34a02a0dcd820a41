"""The Ibis lookups of commodity and partner classes, on DuckDB and on Spark."""

from __future__ import annotations

import ibis
import pytest

from entrepot.compute.classes import classify_commodities, classify_partners, commodity_classes


def test_classify_commodities_exact_code_then_hs_prefix(store):
    store.con.execute(
        """INSERT INTO commodity_sitc (commodity, sitc, source) VALUES
            ('85423111', '77642', 't'), ('854231', '776', 't'), ('010121', '0015', 't')"""
    )
    store.con.execute(
        """INSERT INTO sitc VALUES ('7', 1, 'Machinery'), ('77', 2, 'Electrical'),
            ('776', 3, 'Semiconductors'), ('0', 1, 'Food')"""
    )
    con = store.ibis()
    cells = ibis.memtable(
        {"commodity": ["85423111", "85423190", "01012100", "99999999"], "value": [1.0, 2, 3, 4]}
    )

    result = classify_commodities(
        cells, commodity_classes(con.table("commodity_sitc"), con.table("sitc"))
    )
    rows = con.execute(result.order_by("value")).to_dict("records")

    assert [(r["commodity"], r["sitc"], r["section"], r["division"], r["group"]) for r in rows] == [
        ("85423111", "77642", "7", "77", "776"),  # exact 8-digit code wins
        ("85423190", "776", "7", "77", "776"),  # its 6-digit HS prefix
        ("01012100", "0015", "0", "00", "001"),
        ("99999999", None, None, None, None),
    ]
    assert [(r["section_name"], r["division_name"], r["group_name"]) for r in rows] == [
        ("Machinery", "Electrical", "Semiconductors"),
        ("Machinery", "Electrical", "Semiconductors"),
        ("Food", None, None),
        (None, None, None),
    ]


def test_classify_partners_unknown_keeps_its_code(store):
    store.con.execute("INSERT INTO partners VALUES ('111', 'USA', 'North America', 'NA', 'f')")
    con = store.ibis()
    cells = ibis.memtable({"partner": ["111", "999"], "value": [1.0, 2.0]})

    rows = con.execute(classify_partners(cells, con.table("partners")).order_by("value")).to_dict(
        "records"
    )

    assert [(r["partner"], r["partner_name"], r["region"], r["area"]) for r in rows] == [
        ("111", "USA", "North America", "NA"),
        ("999", "999", "Unknown", None),
    ]


# -- the same expressions on Spark ---------------------------------------------------------


@pytest.mark.spark
@pytest.mark.slow
def test_lookups_run_on_spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .getOrCreate()
    )
    try:
        views = {
            "commodity_sitc": (
                [("85423111", "77642", "t"), ("854231", "776", "t")],
                "commodity string, sitc string, source string",
            ),
            "sitc": ([("77", 2, "Electrical")], "code string, level int, name string"),
            "partners": (
                [("111", "USA", "North America", None, "t")],
                "code string, name string, region string, area string, source string",
            ),
            "cells": (
                [("85423111", "111", 1.0), ("85423190", "999", 2.0), ("12345678", "111", 3.0)],
                "commodity string, partner string, value double",
            ),
        }
        for name, (rows, schema) in views.items():
            spark.createDataFrame(rows, schema).createOrReplaceTempView(name)
        con = ibis.pyspark.connect(spark)
        expr = classify_partners(
            classify_commodities(
                con.table("cells"),
                commodity_classes(con.table("commodity_sitc"), con.table("sitc")),
            ),
            con.table("partners"),
        )
        rows = expr.order_by("value").execute().to_dict("records")
    finally:
        spark.stop()

    assert [(r["sitc"], r["division_name"], r["partner_name"], r["region"]) for r in rows] == [
        ("77642", "Electrical", "USA", "North America"),
        ("776", "Electrical", "999", "Unknown"),
        (None, None, "USA", "North America"),
    ]
