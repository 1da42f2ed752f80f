"""Shared fixtures. The gazetteer index is built by `make test` (gazetteer build) before pytest runs."""

from __future__ import annotations

from collections.abc import Iterator

import os

import pytest
from hypothesis import settings

from gazetteer import Gazetteer, IndexUnavailable

# CI runs the property tests with a fixed seed, so a run is repeatable; locally they explore.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def gaz() -> Iterator[Gazetteer]:
    try:
        g = Gazetteer()
    except IndexUnavailable as err:  # a failure, not a skip: the index is part of set-up
        pytest.fail(f"{err} — run `make test`, which builds it")
    yield g
    g.close()
