"""The dagnote command on what authors write: columns of host files, odd text, options."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_cli import dagnote

GOOD = "x ~ X\nx -> [f*] -> y\nmin y\n"


@pytest.mark.parametrize("timeout", ["inf", "1e10", "1e400"])
def test_a_huge_or_infinite_timeout_means_no_limit(tmp_path: Path, timeout: str) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    proc = dagnote("render", str(tmp_path / "a.dag"), "-o", str(tmp_path / "out"),
                   "--timeout", timeout)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.svg").exists()


@pytest.mark.parametrize("timeout", ["0", "-1", "nan", "-inf"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
        tmp_path: Path, timeout: str) -> None:
    (tmp_path / "a.dag").write_text(GOOD)
    proc = dagnote("render", str(tmp_path / "a.dag"), "-o", str(tmp_path / "out"),
                   "--timeout", timeout)
    assert proc.returncode == 2
    assert "timeout must be a positive number of seconds, not" in proc.stderr
    assert "Traceback" not in proc.stderr
