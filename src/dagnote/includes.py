"""Included diagrams (``file=``): read only what lies inside the docs directory.

A page must not be able to pull ``/etc/passwd`` or ``../secrets`` into a public site,
neither by spelling nor through a symlink that points outside.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath


class IncludeError(ValueError):
    """The ``file=`` path is refused or unreadable."""


def resolve_include(name: str, base_dir: str | Path) -> Path:
    """The file ``name`` (relative to ``base_dir``) if it stays inside ``base_dir``."""
    if "\x00" in name:
        raise IncludeError("file= path contains a NUL byte")
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or name.startswith("\\"):
        raise IncludeError(f"file={name!r}: absolute paths are not allowed (use a path in docs)")
    if ".." in posix.parts or ".." in windows.parts:
        raise IncludeError(f"file={name!r}: '..' is not allowed (the file must be in docs)")
    base = Path(base_dir).resolve()
    target = (base / posix).resolve()
    if not target.is_relative_to(base):
        raise IncludeError(f"file={name!r} points outside the docs directory")
    if not target.is_file():
        raise IncludeError(f"file={name!r}: no such file in the docs directory")
    return target


def read_include(name: str, base_dir: str | Path) -> tuple[Path, str]:
    """Resolve and read an included diagram as UTF-8."""
    path = resolve_include(name, base_dir)
    try:
        return path, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IncludeError(f"file={name!r}: cannot read: {exc}") from None
