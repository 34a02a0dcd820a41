"""Releases kept in the store, and what changed since the previous one of a period."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import pytest

from entrepot.errors import InputError, StoreError
from entrepot.store import Store
from entrepot.store.releases import (
    FigureChange,
    changed_figures,
    previous_release,
    releases,
    revised_since,
    save_release,
)


def figure(id_: str, text: str, value: object, measure: str = "value") -> dict[str, object]:
    inputs = {"period": "2025-12", "flow": "total_exports", "breakdown": "total", "key": "total"}
    return {"id": id_, "text": text, "value": value, "measure": measure, "inputs": inputs}


FIRST = [figure("total_exports.value.yoy", "26.1%", 26.1234), figure("note", "as before", "x")]
SECOND = [figure("total_exports.value.yoy", "26.3%", 26.3011)]


def add_loads(store: Store, *load_ids: int) -> None:
    for load_id in load_ids:
        store.con.execute(
            "INSERT INTO loads (load_id, finished, rows_read) VALUES (?, ?, 1)",
            [load_id, datetime(2026, 1, load_id, 12)],
        )


def add_revision(
    store: Store, revision_id: int, load_id: int, period: int, flow: str, old: float, new: float
) -> None:
    store.con.execute(
        "INSERT INTO revisions (revision_id, load_id, period, flow, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [revision_id, load_id, period, flow, old, new],
    )


def test_two_releases_of_a_period_the_latest_is_previous(store: Store) -> None:
    assert previous_release(store, 202512) is None
    first = save_release(
        store,
        period=202512,
        last_load=3,
        compile_id=None,
        formats=["html", "pdf"],
        out_dir="out/2025-12",
        figures=FIRST,
    )
    other = save_release(
        store, period=202511, last_load=2, compile_id=1, formats=["md"], out_dir="o", figures=[]
    )
    second = save_release(
        store,
        period=202512,
        last_load=5,
        compile_id=2,
        formats=("html",),
        out_dir="out/2025-12b",
        figures=SECOND,
    )
    assert (first, other, second) == (1, 2, 3)
    latest = previous_release(store, 202512)
    assert latest is not None
    assert (latest.release_id, latest.period, latest.last_load, latest.compile_id) == (
        3,
        202512,
        5,
        2,
    )
    assert latest.formats == ("html",) and latest.out_dir == "out/2025-12b"
    assert latest.figures == SECOND
    assert isinstance(latest.created, datetime)
    older = previous_release(store, 202511)
    assert older is not None and older.figures == [] and older.formats == ("md",)
    assert previous_release(store, 202510) is None

    listed = releases(store)
    assert list(listed["release_id"]) == [1, 2, 3]
    assert list(listed["formats"]) == ["html,pdf", "md", "html"]
    assert list(listed["figures"]) == [2, 0, 1]  # a count, not the JSON
    of_december = releases(store, 202512)
    assert list(of_december["release_id"]) == [1, 3]
    assert of_december["compile_id"].isna().tolist() == [True, False]


def test_a_refused_release_stores_nothing(store: Store) -> None:
    with pytest.raises(InputError, match=r"formats must be names.*'html,pdf'"):
        save_release(
            store,
            period=202512,
            last_load=1,
            compile_id=None,
            formats=["html,pdf"],
            out_dir="out",
            figures=FIRST,
        )
    assert releases(store).empty and previous_release(store, 202512) is None


def test_revised_since_nets_later_loads_of_the_asked_periods(store: Store) -> None:
    add_loads(store, 1, 2, 3, 4)
    add_revision(store, 1, 2, 202512, "imports", 100.0, 105.0)  # before the release: ignored
    add_revision(store, 2, 3, 202512, "imports", 105.0, 110.0)
    add_revision(store, 3, 4, 202512, "imports", 110.0, 108.0)
    add_revision(store, 4, 4, 202512, "re_exports", 50.0, 51.0)
    add_revision(store, 5, 3, 202511, "imports", 90.0, 91.0)
    add_revision(store, 6, 4, 202510, "imports", 80.0, 81.0)  # a period not asked for

    since = revised_since(store, 2, [202511, 202512])
    rows = since[["period", "flow", "load_id", "old_value", "new_value", "loads"]]
    assert rows.values.tolist() == [
        [202511, "imports", 3, 90.0, 91.0, 1],
        [202512, "imports", 4, 105.0, 108.0, 2],  # oldest old, newest new, net of loads 3-4
        [202512, "re_exports", 4, 50.0, 51.0, 1],
    ]
    assert list(since["change"]) == [1.0, 3.0, 1.0]
    assert list(since["finished"]) == [
        datetime(2026, 1, 3, 12),
        datetime(2026, 1, 4, 12),
        datetime(2026, 1, 4, 12),
    ]

    everything = revised_since(store, None, [202512])
    assert everything[["flow", "old_value", "new_value", "loads"]].values.tolist() == [
        ["imports", 100.0, 108.0, 3],
        ["re_exports", 50.0, 51.0, 1],
    ]
    assert revised_since(store, 4, [202512]).empty
    assert revised_since(store, None, []).empty


def test_changed_figures_revised_text_added_removed_and_tolerance() -> None:
    previous = [
        figure("exports.yoy", "26.1%", 26.1234),
        figure("exports.value", "HK$512.8 billion", 512.8e9),
        figure("imports.yoy", "10.0%", 10.0),
        figure("streak", "11th", 11),
        figure("gone", "1.0%", 1.0),
        figure("label", "December", "December", measure="text"),
    ]
    current = [
        figure("exports.yoy", "26.3%", 26.3011),  # value and text
        figure("exports.value", "HK$512.8 billion", 512.8e9 * (1 + 1e-12)),  # below tolerance
        figure("imports.yoy", "10.0%", 10.04),  # the value only (same rounded text)
        figure("streak", "eleventh", 11),  # the text only
        figure("label", "December", "December", measure="text"),  # unchanged text value
        figure("new", "HK$1.0 billion", 1e9),
    ]
    changes = changed_figures(previous, current)
    assert [(c.id, c.status) for c in changes] == [
        ("exports.yoy", "revised"),
        ("imports.yoy", "revised"),
        ("streak", "revised"),
        ("new", "added"),
        ("gone", "removed"),
    ]
    by_id = {c.id: c for c in changes}
    assert by_id["exports.yoy"].change == pytest.approx(26.3011 - 26.1234, rel=1e-12)
    assert (by_id["exports.yoy"].old_text, by_id["exports.yoy"].new_text) == ("26.1%", "26.3%")
    assert by_id["imports.yoy"].change == pytest.approx(0.04, rel=1e-9)
    assert by_id["streak"].as_dict() == {
        "id": "streak",
        "status": "revised",
        "measure": "value",
        "old_text": "11th",
        "new_text": "eleventh",
        "old_value": 11,
        "new_value": 11,
        "change": 0.0,
    }
    assert by_id["new"] == FigureChange(
        "new", "added", "value", None, "HK$1.0 billion", None, 1e9, None
    )
    assert by_id["gone"] == FigureChange("gone", "removed", "value", "1.0%", None, 1.0, None, None)
    # A looser tolerance lets a small move pass; a text that changes still counts.
    loose = changed_figures(previous, current, tolerance=0.01)
    assert [c.id for c in loose if c.status == "revised"] == ["exports.yoy", "streak"]


def test_changed_figures_numbers_and_text_values() -> None:
    nan = [figure("a", "n/a", math.nan)]
    assert changed_figures(nan, nan) == []
    (became_number,) = changed_figures(nan, [figure("a", "n/a", 1.0)])
    assert became_number.status == "revised" and math.isnan(became_number.change or math.nan)
    (to_text,) = changed_figures([figure("b", "1", 1.0)], [figure("b", "1", "1")])
    assert to_text.status == "revised" and to_text.change is None
    (zero,) = changed_figures([figure("c", "0", 0.0)], [figure("c", "0", 1e-12)])
    assert zero.change == pytest.approx(1e-12)


def test_a_read_only_store_reads_releases(tmp_path: Path) -> None:
    path = tmp_path / "releases.duckdb"
    with Store(path) as store:
        add_loads(store, 1, 2)
        add_revision(store, 1, 2, 202512, "imports", 1.0, 2.0)
        save_release(
            store,
            period=202512,
            last_load=1,
            compile_id=None,
            formats=["html"],
            out_dir="out",
            figures=FIRST,
        )
    with Store(path, read_only=True) as reader:
        stored = previous_release(reader, 202512)
        assert stored is not None and stored.figures == FIRST and stored.last_load == 1
        assert list(releases(reader)["release_id"]) == [1]
        assert revised_since(reader, stored.last_load, [202512])["new_value"].tolist() == [2.0]
        with pytest.raises(StoreError, match="opened read-only"):
            save_release(
                reader,
                period=202512,
                last_load=2,
                compile_id=None,
                formats=["html"],
                out_dir="out",
                figures=[],
            )
