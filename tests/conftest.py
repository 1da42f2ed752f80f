"""Shared fixtures. The gazetteer index is built by `make test` (gazetteer build) before pytest runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gazetteer import Gazetteer, IndexUnavailable


@pytest.fixture(scope="session")
def gaz() -> Iterator[Gazetteer]:
    try:
        g = Gazetteer()
    except IndexUnavailable as err:  # a failure, not a skip: the index is part of set-up
        pytest.fail(f"{err} — run `make test`, which builds it")
    yield g
    g.close()
