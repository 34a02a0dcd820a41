"""The JSON API under load: latency percentiles and errors of ``entrepot serve``.

``entrepot serve`` runs as users run it (its own process, uvicorn, the store read-only) on
127.0.0.1 over a compiled copy of the default sample (1.1 M cells; ``make demo`` makes
``demo/entrepot.duckdb``, else ``--store``). Clients on the same machine send requests to
``/api/series`` (total exports' value or volume by partner, for one of 30 partners, or by
division, from a month of 2024 or 2025) and ``/api/summary/{month}`` (one of the 36 months,
whole or by region). Each run first asks for every distinct answer of its requests once,
two at a time (the server computes them: "cold"), then sends its requests (10,000 by
default) with a concurrency of 20, then 50, bounded in time too (``--seconds``); these are
served from the answers the server keeps, as they are in use (a dashboard's visitors ask
the same things). Both are reported. The load is sent by wrk (``apt-get install wrk``;
``bench/serve_paths.lua`` draws the paths and stops at the count); the cold requests by an
httpx client in this process.

The baseline, in this process: the same answers computed by calling the library directly
(``entrepot.web.answers`` on an open store, no HTTP, no cache), so the ratio shows what
serving adds to the computation.

    python bench/serve.py [--store demo/entrepot.duckdb] [--requests 10000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).with_name("serve_paths.lua")
PARTNERS = ["CHN", "USA", "TWN", "JPN", "KOR", "SGP", "IND", "VNM", "MYS", "THA", "DEU", "GBR",
            "NLD", "FRA", "AUS", "ARE", "PHL", "IDN", "CAN", "MEX", "ITA", "ESP", "CHE", "BRA",
            "ZAF", "TUR", "POL", "SAU", "NZL", "BEL"]  # fmt: skip
MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024, 2025) for m in range(1, 13)]


def requests_for(endpoint: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if endpoint == "series":
            measure = rng.choice(["value", "volume"])
            start = rng.choice(["2024-01", "2025-01"])
            if rng.random() < 0.8:
                out.append(
                    f"/api/series?by=partner&key={rng.choice(PARTNERS)}&measure={measure}"
                    f"&start={start}"
                )
            else:
                out.append(f"/api/series?by=division&measure={measure}&start={start}")
        else:
            month = rng.choice(MONTHS)
            out.append(f"/api/summary/{month}" + ("?by=region" if rng.random() < 0.3 else ""))
    return out


async def load(base: str, paths: list[str], clients: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    cold: list[float] = []
    seen: set[str] = set()
    errors: list[str] = []
    queue = list(reversed(paths))
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            while queue and time.perf_counter() < deadline:
                path = queue.pop()
                first = path not in seen
                seen.add(path)
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    if response.status_code != 200:
                        errors.append(f"{response.status_code} {path}")
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}")
                elapsed = time.perf_counter() - start
                latencies.append(elapsed)
                if first:
                    cold.append(elapsed)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - began
    return {"latencies": latencies, "cold": cold, "errors": errors, "wall": wall}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def baseline(store: Path, paths: list[str]) -> float:
    """The median time of the distinct answers computed by the library, no HTTP."""
    from urllib.parse import parse_qs, urlsplit

    from entrepot.periods import Period
    from entrepot.store import Store
    from entrepot.web import answers
    from entrepot.web.access import engine

    times = []
    with Store(store, read_only=True) as opened:
        for path in list(dict.fromkeys(paths))[:40]:
            parts = urlsplit(path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            start = time.perf_counter()
            if parts.path == "/api/series":
                answers.series(
                    opened, engine(opened), flow="total_exports",
                    measure=query.get("measure", "value"), by=query["by"],
                    keys=[query["key"]] if "key" in query else [], adjusted=False,
                    start=Period.parse(query["start"]), end=None,
                )  # fmt: skip
            else:
                month = Period.parse(parts.path.rsplit("/", 1)[1])
                answers.summary(engine(opened), month, query.get("by"))
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def wrk(
    base: str, paths: list[str], clients: int, requests: int, seconds: float, work: Path
) -> dict[str, float]:
    """``requests`` requests of ``paths`` (in turn) with ``clients`` connections, sent by
    wrk (a load generator in C: a Python client would saturate these two cores long before
    the server), its latency percentiles in ms."""
    listed = work / "paths.txt"
    listed.write_text("\n".join(paths) + "\n")
    result = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", str(SCRIPT), base],
        capture_output=True, text=True, check=True,
        env={"WRK_PATHS": str(listed), "WRK_REQUESTS": str(requests), "WRK_THREADS": "2"},
    )  # fmt: skip
    last = result.stdout.strip().splitlines()[-1]
    return json.loads(last)  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "demo" / "entrepot.duckdb")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="per run, at most")
    args = parser.parse_args()
    if not args.store.exists():
        sys.exit(f"{args.store} does not exist: run 'make demo' or name a compiled store.")
    if shutil.which("wrk") is None:
        sys.exit("bench/serve.py sends its load with wrk: apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store.duckdb"
        shutil.copy(args.store, store)
        port = free_port()
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("entrepot")), "--store", str(store), "serve",
             "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    httpx.get(base + "/api/periods", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            print(f"entrepot serve on {base}, store {args.store} (copied)")
            print(
                f"{'endpoint':<8} {'clients':>7} {'requests':>8} {'errors':>6} "
                f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'cold p50':>8} "
                f"{'cold p95':>8} {'library':>8}"
            )
            for endpoint in ("series", "summary"):
                for clients in (20, 50):
                    # A fresh server cache for each run would need a restart: a new seed
                    # asks for partly new answers instead.
                    paths = requests_for(endpoint, args.requests, seed=clients)
                    # Each distinct answer once, as a dashboard's first visitors ask them
                    # (timed: "cold"), then the load itself.
                    first = asyncio.run(load(base, list(dict.fromkeys(paths)), 2, args.seconds))
                    cold = first["cold"]
                    assert isinstance(cold, list) and isinstance(first["errors"], list)
                    run = wrk(base, paths, clients, args.requests, args.seconds, Path(tmp))
                    library = baseline(store, paths)
                    errors = len(first["errors"]) + run["errors"] + run["socket_errors"]
                    print(
                        f"{endpoint:<8} {clients:>7} {run['requests']:>8,.0f} {errors:>6.0f} "
                        f"{run['p50']:>7.1f} {run['p95']:>7.1f} {run['p99']:>7.1f} "
                        f"{run['max']:>7.0f} {percentile(cold, 0.5) * 1000:>8.1f} "
                        f"{percentile(cold, 0.95) * 1000:>8.1f} {library * 1000:>8.1f}"
                    )
                    for error in first["errors"][:5]:
                        print(f"  error: {error}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        "ms: per request as wrk saw it (p50, p95, p99, max); cold: each distinct answer asked for "
        "once, two at a time, before the run (computed, not kept); library: the median time of the same answers "
        "computed in this process by entrepot.web.answers with no HTTP and no cache."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
