"""The static image: formats, facets, determinism."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

from geomap.errors import InputError
from geomap.render import read_events, write_image

DATA = Path(__file__).parent / "data" / "events"


@pytest.fixture(scope="module")
def frame():  # type: ignore[no-untyped-def]
    return read_events(DATA / "events.geojson")


def test_png_has_a_map(frame, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = write_image(frame, tmp_path / "map.png", title="Fixture")
    img = mpimg.imread(io.BytesIO(out.read_bytes()), format="png")
    assert img.shape[0] > 800 and img.shape[1] > 1000
    colours = {tuple(p) for p in (img[::7, ::7, :3] * 255).astype(np.uint8).reshape(-1, 3)}
    assert len(colours) > 50
    # the palette's vermillion (armed clash) is drawn somewhere
    rgb = (img[:, :, :3] * 255).astype(int)
    assert (np.abs(rgb - [0xD5, 0x5E, 0x00]).sum(axis=2) < 40).sum() > 50


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_formats_are_deterministic(frame, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    a = write_image(frame, tmp_path / f"a{suffix}").read_bytes()
    b = write_image(frame, tmp_path / f"b{suffix}").read_bytes()
    assert a == b
    assert len(a) > 10_000


def test_facets(frame, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    autumn = frame[(frame["date_start"] >= "2020-09-20") & (frame["date_start"] <= "2020-11-15")]
    write_image(autumn, tmp_path / "weeks.png", facet="week")
    write_image(frame, tmp_path / "months.svg", facet="month", title="By month")
    with pytest.raises(InputError, match="use --facet month"):
        write_image(frame, tmp_path / "weeks.png", facet="week")
    with pytest.raises(InputError, match="unknown facet"):
        write_image(frame, tmp_path / "x.png", facet="day")
    with pytest.raises(InputError, match="expected a file ending in"):
        write_image(frame, tmp_path / "x.jpg")
