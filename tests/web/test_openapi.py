"""Schemathesis against the OpenAPI spec: generated requests to every fast route get no
server error, and every response matches what the spec declares (status, content type and
schema)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.checks import positive_data_acceptance  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

from entrepot.web import create_app  # noqa: E402

SLOW = r"^/api/(analyse|release|overview)/"
"""Routes whose every answer runs the month's analysis (seconds each): the other tests and
the browser tests call them; generated requests cover the rest."""


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_server_error_and_every_response_as_documented(web_store: Path, mode: str) -> None:
    """Positive requests follow the spec; negative ones break it (wrong types, patterns,
    enumerations) and must get a documented 4xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(web_store))
    operations = [result.ok() for result in schema.exclude(path_regex=SLOW).get_all_operations()]
    assert len(operations) == 6
    for operation in operations:

        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(GenerationMode(mode)))
        def check(case: object) -> None:
            # A valid form can still name what the store lacks (a partner it does not
            # know, the year 0000): that is a 422 or a 404, as documented.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])  # type: ignore[attr-defined]

        check()
