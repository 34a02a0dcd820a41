"""The JSON API through the in-process client: each answer is the CLI's ``--json``."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from entrepot.analysis.facts import TOPICS
from entrepot.schema import BREAKDOWNS, INDEX_FLOWS
from entrepot.web import api, create_app

from .conftest import cli_csv, cli_json, same


def test_periods_name_the_months_held_and_when_each_was_revised(client: TestClient) -> None:
    answer = client.get("/api/periods").json()
    assert answer["latest"] == "2025-12"
    assert [p["period"] for p in answer["periods"]][:2] == ["2023-01", "2023-02"]
    assert len(answer["periods"]) == 36
    assert all(p["last_revised"].startswith("20") for p in answer["periods"])


@pytest.mark.parametrize(
    ("route", "command"),
    [
        ("/api/summary/2025-12", ["summary", "--period", "2025-12"]),
        (
            "/api/summary/2025-12?by=division&partner=Asia",
            ["summary", "--period", "2025-12", "--by", "division", "--partner", "Asia"],
        ),
        (
            "/api/indices/2025-12?flow=imports&by=partner",
            ["indices", "--period", "2025-12", "--flow", "imports", "--by", "partner"],
        ),
        (
            "/api/indices/2025-12?by=division&commodity=sitc:77",
            ["indices", "--period", "2025-12", "--by", "division", "--commodity", "sitc:77"],
        ),
        (
            "/api/series?measure=volume&by=partner&key=USA&key=TWN&start=2025-01",
            ["series", "--measure", "volume", "--by", "partner", "--key", "USA", "--key", "TWN",
             "--start", "2025-01"],
        ),
        (
            "/api/analyse/2025-12?topic=streak&topic=split",
            ["analyse", "--period", "2025-12", "--topic", "streak", "--topic", "split",
             "--no-adjusted"],
        ),
    ],
)  # fmt: skip
def test_each_answer_is_the_command_line_s_json(
    client: TestClient, web_store: Path, route: str, command: list[str]
) -> None:
    response = client.get(route)
    assert response.status_code == 200, response.text
    assert same(response.json(), cli_json(web_store, *command))


def test_loads_and_revisions_are_history_s(client: TestClient, web_store: Path) -> None:
    history = cli_json(web_store, "history")
    assert client.get("/api/loads").json() == history["loads"]
    assert client.get("/api/revisions").json() == history["revisions"]


def test_tables_download_as_csv_parquet_and_excel(client: TestClient, web_store: Path) -> None:
    route = "/api/summary/2025-12?by=region"
    expected = pd.DataFrame(client.get(route).json())
    csv = client.get(route + "&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert 'filename="summary-2025-12-region.csv"' in csv.headers["content-disposition"]
    from_csv = pd.read_csv(io.StringIO(csv.text))
    assert list(from_csv["key"]) == list(expected["key"])
    parquet = pd.read_parquet(io.BytesIO(client.get(route + "&format=parquet").content))
    excel = pd.read_excel(io.BytesIO(client.get(route + "&format=xlsx").content))
    for frame in (parquet, excel):
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True), from_csv, check_dtype=False, rtol=1e-12
        )
    asia = expected.set_index("key").loc["Asia", "month"]["total_exports"]
    row = from_csv.set_index("key").loc["Asia"]
    assert row["total_exports"] == pytest.approx(asia["value"], rel=1e-15)
    assert row["total_exports_yoy_pct"] == pytest.approx(asia["yoy_pct"], rel=1e-12)
    # The same table as the command line writes.
    assert csv.text == cli_csv(web_store, "summary", "--period", "2025-12", "--by", "region")


def test_parameters_are_checked_against_what_is_valid(client: TestClient) -> None:
    bad_flow = client.get("/api/indices/2025-12?flow=exports")
    assert bad_flow.status_code == 422
    assert "'total_exports', 'domestic_exports', 're_exports', 'imports'" in bad_flow.text
    assert client.get("/api/indices/2025-12?by=country").status_code == 422
    assert client.get("/api/summary/2025-13").status_code == 422
    assert client.get("/api/series?start=2025-1").status_code == 422
    missing = client.get("/api/summary/2030-01")
    assert missing.status_code == 404
    assert missing.json() == {
        "detail": "Period 2030-01 is not in the store (it holds 2023-01 to 2025-12)."
    }
    unknown = client.get("/api/summary/2025-12?partner=XXQ")
    assert unknown.status_code == 422
    assert unknown.json()["detail"].startswith("Unknown partner 'XXQ'")
    assert client.get("/api/analyse/2025-12?format=csv").status_code == 200


def test_the_enumerations_are_the_library_s() -> None:
    assert tuple(f.value for f in api.Flow) == INDEX_FLOWS
    assert tuple(b.value for b in api.Breakdown) == BREAKDOWNS
    assert tuple(t.value for t in api.Topic) == TOPICS


INJECTIONS = [
    "'; DROP TABLE cells; --",
    "USA' OR '1'='1",
    "../../../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "x" * 5000,
    "𝕌𝕊𝔸",
    "sitc:77' UNION SELECT * FROM loads --",
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_parameters_get_4xx_and_touch_nothing(
    client: TestClient, web_store: Path, text: str
) -> None:
    before = digest(web_store)
    for route in (
        f"/api/summary/{text}",
        "/api/summary/2025-12",
        "/api/indices/2025-12",
        "/api/series",
        "/api/analyse/2025-12",
    ):
        for name in ("partner", "commodity", "origin", "mode", "by", "flow", "key", "format"):
            response = client.get(route, params={name: text})
            assert 400 <= response.status_code < 500, (route, name, response.status_code)
            assert "Traceback" not in response.text
    assert client.get("/static/../../../../etc/passwd").status_code == 404
    assert client.get("/static/%2e%2e/%2e%2e/etc/passwd").status_code == 404
    assert digest(web_store) == before


def test_a_store_being_written_is_a_503_with_one_line(web_store: Path, tmp_path: Path) -> None:
    """Another process holds the write lock (as a load does): new answers are a 503; the
    answers made before it are still served."""
    store = tmp_path / "busy.duckdb"
    store.write_bytes(web_store.read_bytes())
    with TestClient(create_app(store)) as busy:
        assert busy.get("/api/periods").status_code == 200
        writer = subprocess.Popen(
            [sys.executable, "-c",
             f"import duckdb, sys; c = duckdb.connect({str(store)!r}); "
             "print('locked', flush=True); sys.stdin.read()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
            response = busy.get("/api/summary/2025-12")
            assert response.status_code == 503
            assert "being written by another process" in response.json()["detail"]
            assert "\n" not in response.json()["detail"]
            assert busy.get("/api/periods").status_code == 200  # as last committed
        finally:
            writer.communicate("")
        assert busy.get("/api/summary/2025-12").status_code == 200


def test_the_openapi_spec_documents_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/periods", "/api/summary/{period}", "/api/indices/{period}", "/api/series",
        "/api/analyse/{period}", "/api/release/{period}", "/api/overview/{period}",
        "/api/loads", "/api/revisions",
    }  # fmt: skip
    flow = next(p for p in spec["paths"]["/api/indices/{period}"]["get"]["parameters"]
                if p["name"] == "flow")  # fmt: skip
    assert "$ref" in flow["schema"] or "enum" in flow["schema"]
