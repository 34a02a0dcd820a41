"""One exception tree for entrepot.

Every error a user can cause derives from :class:`EntrepotError`; the CLI prints its
message (no traceback) and exits non-zero. Driver errors (DuckDB, Spark) are translated in
exactly one place, :mod:`entrepot.backends`.

::

    EntrepotError
    ├── InputError                 bad input named by the user
    │   ├── SourceError            a file cannot be read: missing, unknown format, bad layout
    │   ├── MappingError           --map names a column or field that does not exist
    │   ├── PeriodError            a period that is not a valid YYYY-MM month
    │   ├── RejectedRowsError      a load finished but some rows were rejected
    │   └── LoadRefused            a load would lose or double data; --force overrides
    ├── ClassificationError        a classification table cannot be read or is inconsistent
    ├── StoreError                 the store cannot be opened, migrated or written
    │   └── NotInStoreError        asked for something the store does not hold
    ├── BackendError               the engine failed while running an expression
    │   └── MissingExtraError      an optional dependency is not installed
    └── SampleError                the sample generator was given impossible options
"""

from __future__ import annotations


class EntrepotError(Exception):
    """Base of every error entrepot raises on purpose."""


class InputError(EntrepotError):
    """Input named by the user is wrong."""


class SourceError(InputError):
    """A source file cannot be read (missing, unknown format, wrong layout)."""


class MappingError(InputError):
    """A --map entry names a column or field that does not exist."""


class PeriodError(InputError, ValueError):
    """A period is not a valid YYYY-MM month."""


class RejectedRowsError(InputError):
    """A load stored the valid rows but rejected others; carries the load's report."""

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class LoadRefused(InputError):
    """A load would shrink a stored month, replace it from a file with rejected rows, or
    read a file already loaded; nothing was stored (``--force`` overrides)."""


class ClassificationError(EntrepotError):
    """A classification table cannot be read or contradicts itself."""


class StoreError(EntrepotError):
    """The store cannot be opened, migrated or written."""


class NotInStoreError(StoreError, LookupError):
    """The store does not hold what was asked for."""


class BackendError(EntrepotError):
    """The engine failed while running an expression."""


class MissingExtraError(BackendError, ImportError):
    """An optional dependency is missing; the message gives the install command."""


class SampleError(EntrepotError):
    """The sample generator was given options it cannot honour."""
