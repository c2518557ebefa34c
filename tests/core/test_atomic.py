"""Images written by the CLI and by Sphinx (html-format: img) appear whole or not at all."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from dagnote import write_atomic
from sphinx_dagnote.visitors import write_atomic as sphinx_write


class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fd: int, *args: object, **kwargs: object) -> None:
        os.close(fd)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("write", [write_atomic, sphinx_write])
def test_a_failed_write_leaves_nothing_behind(tmp_path: Path, write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "figure.svg"
    monkeypatch.setattr(os, "fdopen", _FullDisk)
    with pytest.raises(OSError):
        write(target, b"<svg/>")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("write", [write_atomic, sphinx_write])
def test_a_write_replaces_the_file_whole(tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "figure.svg"
    target.write_bytes(b"old")
    write(target, b"<svg/>")
    assert target.read_bytes() == b"<svg/>" and [p.name for p in tmp_path.iterdir()] == [
        "figure.svg"]
