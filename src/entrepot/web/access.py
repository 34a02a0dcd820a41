"""How the web reads the store: read-only, one connection per request, and each answer
kept in memory for as long as the store file is unchanged.

A load or a compile in another process holds the file's write lock: a request made then is
answered 503 with one line (see :mod:`.app`), and the next one after the commit reads the
new state. Answers are keyed by the file's size and modification time (and its write-ahead
log's), so a committed change is never hidden by a cached answer.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from ..analysis.filters import narrowed
from ..backends import Backend, duckdb_backend
from ..store import Store

T = TypeVar("T")

KEPT = 512
"""Answers kept in memory (the least recently used go first)."""
COMPUTING = 1
"""Answers made at once: one, so that a core stays free to serve the answers kept (the
engine works on one core at a time per answer more than it gains from two); more requests
for new answers wait their turn."""


class Reader:
    """The store a server reads, and its cache of answers."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._answers: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self._slots = asyncio.Semaphore(COMPUTING)

    def version(self) -> tuple[int, ...]:
        """What changes when a write to the store commits."""
        parts: list[int] = []
        for file in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                stat = file.stat()
            except FileNotFoundError:
                parts += [0, 0]
            else:
                parts += [stat.st_size, stat.st_mtime_ns]
        return tuple(parts)

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store, read-only, for one request."""
        with Store(self.path, read_only=True) as opened:
            yield opened

    async def computed(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """:meth:`cached` for the event loop: a kept answer is returned at once; a new one
        is made in a worker thread, at most :data:`COMPUTING` at a time, and once however
        many requests ask for it meanwhile."""
        full = (self.version(), *key)
        with self._lock:
            if full in self._answers:
                self._answers.move_to_end(full)
                return self._answers[full]
            pending = self._pending.get(full)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[full] = future
        try:
            async with self._slots:
                answer = await run_in_threadpool(make)
        except asyncio.CancelledError:  # the client went away: whoever waits asks again
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: the requests waiting on it raise it themselves
            raise
        else:
            self._keep(full, answer)
            future.set_result(answer)
            return answer
        finally:
            self._pending.pop(full, None)

    def _keep(self, full: tuple[Any, ...], answer: Any) -> None:
        with self._lock:
            self._answers[full] = answer
            while len(self._answers) > KEPT:
                self._answers.popitem(last=False)

    def cached(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``'s answer for ``key`` in this version of the store."""
        full = (self.version(), *key)
        with self._lock:
            if full in self._answers:
                self._answers.move_to_end(full)
                return self._answers[full]
        answer = make()
        self._keep(full, answer)
        return answer


def engine(
    store: Store,
    *,
    partner: Sequence[str] = (),
    commodity: Sequence[str] = (),
    origin: Sequence[str] = (),
    mode: Sequence[str] = (),
) -> Backend:
    """DuckDB over the store's cells, limited to the filters given (as the CLI's options)."""
    return narrowed(
        duckdb_backend(store), partner=partner, commodity=commodity, origin=origin, mode=mode
    )
