"""Fixtures for the Teams tests: the offline Teams platform (tests/fakes/teams_platform.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.teams_platform import FakeTeams


@pytest.fixture
def fake_teams() -> Iterator[FakeTeams]:
    """A started FakeTeams (its own thread and port), stopped after the test."""
    with FakeTeams() as fake:
        yield fake
