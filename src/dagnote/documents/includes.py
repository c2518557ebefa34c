"""Diagram files: read only regular files inside the docs, never hang, never read too much.

Every host reads a diagram file (Sphinx ``.. dagnote:: FILE``, MkDocs ``file=``, the CLI's
files and their includes) through :func:`confine` and :func:`read_file`, so that

* a page cannot pull ``/etc/passwd``, ``../secrets`` or a hidden file (``.env``) into a
  public site, neither by spelling nor through a symlink;
* a name the system cannot open (a symlink loop, a NUL byte, a name too long) is an
  :class:`IncludeError` with a reason, never an exception out of a build;
* only regular files are read: a FIFO would block forever and a device (``/dev/zero``)
  never ends, so the file is opened without blocking, checked on its descriptor, and read
  no further than the size limit allows.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..language.limits import MAX_SOURCE_BYTES

#: A diagram file may hold no more than a diagram's source may.
MAX_FILE_BYTES = MAX_SOURCE_BYTES
#: A page the CLI scans for diagrams (.rst, .md): larger than a diagram, still bounded.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: Files whose text may be quoted on a page (error messages, excerpts): diagram sources.
DIAGRAM_SUFFIXES = (".dag",)

_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


class IncludeError(ValueError):
    """A diagram file is refused or unreadable: ``label: reason`` as a message.

    ``refused`` tells a file that must not be read (outside, hidden, not a regular file,
    too large) from one that cannot be (missing, a symlink loop, not UTF-8), so that a host
    can say "refusing X: reason" or "cannot read X: reason" in its own words.
    """

    def __init__(self, label: str, reason: str, refused: bool = False) -> None:
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason
        self.refused = refused


def is_diagram_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a diagram source by its name (``.dag``): only such files are
    quoted in error boxes; for any other file a page shows where, never what."""
    return Path(path).suffix.lower() in DIAGRAM_SUFFIXES


def _reason(exc: BaseException) -> str:
    """A short reason for a failed open or stat, without the path (the caller names it)."""
    if isinstance(exc, RuntimeError):  # pathlib's "Symlink loop from ..." (Python < 3.13)
        return "a symlink loop (the link points back at itself)"
    if isinstance(exc, ValueError):
        return "the name contains a NUL byte"
    code = getattr(exc, "errno", None)
    if code == errno.ELOOP:
        return "a symlink loop (the link points back at itself)"
    if code == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    if code in (errno.ENOENT, errno.ENOTDIR):
        return "no such file"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return getattr(exc, "strerror", None) or str(exc)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _not_regular(label: str, mode: int) -> IncludeError:
    return IncludeError(label, f"it is not a regular file ({_kind(mode)}): only files are read",
                        refused=True)


def _too_large(label: str, size: int | None, limit: int) -> IncludeError:
    size_text = f"it is {size} bytes" if size is not None else f"it is over {limit} bytes"
    if limit == MAX_FILE_BYTES:
        return IncludeError(label, f"{size_text}; the limit for a diagram is {limit}: split "
                            "it into smaller diagrams", refused=True)
    return IncludeError(label, f"{size_text}; the limit for a file is {limit}", refused=True)


def _hidden_part(parts: tuple[str, ...]) -> str | None:
    return next((p for p in parts if p.startswith(".") and p not in (".", "..")), None)


def confine(candidate: str | os.PathLike[str], base: str | os.PathLike[str], label: str,
            where: str = "the docs directory", limit: int = MAX_FILE_BYTES) -> Path:
    """The resolved ``candidate`` if it may be read as a diagram file of ``base``.

    Refused (:class:`IncludeError`, its message starting with ``label``): names with a NUL
    byte, names that cannot be resolved (symlink loops, too long), anything that resolves
    outside ``base``, hidden files and directories (a part starting with ``.``, as named or
    as resolved: MkDocs never publishes them), missing files, anything but a regular file
    and files over ``limit`` bytes (from their size, before reading).
    """
    name = os.fspath(candidate)
    if "\x00" in name:
        raise IncludeError(label, "the name contains a NUL byte")
    try:
        root = Path(base).resolve()
        target = Path(name).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise IncludeError(label, _reason(exc)) from None
    if not target.is_relative_to(root):
        raise IncludeError(label, f"it resolves outside {where}", refused=True)
    try:
        named = os.path.relpath(os.path.abspath(name), os.path.abspath(base))
    except ValueError:  # another drive (Windows): refused above as outside already
        named = ""
    hidden = (_hidden_part(PurePosixPath(named.replace(os.sep, "/")).parts)
              or _hidden_part(target.relative_to(root).parts))
    if hidden is not None:
        raise IncludeError(label, f"hidden files and directories ({hidden!r}) are not read",
                           refused=True)
    try:
        info = target.stat()
    except (OSError, ValueError) as exc:
        reason = _reason(exc)
        if reason == "no such file":
            reason = f"no such file in {where}"
        raise IncludeError(label, reason) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(label, info.st_mode)
    if info.st_size > limit:
        raise _too_large(label, info.st_size, limit)
    return target


def read_file(path: str | os.PathLike[str], label: str | None = None,
              limit: int = MAX_FILE_BYTES) -> str:
    """The text of a regular file of at most ``limit`` bytes, as UTF-8 (newlines as
    ``Path.read_text`` gives them); anything else is an :class:`IncludeError`.

    Opened without blocking (a FIFO does not wait for a writer), checked on the open
    descriptor (no race with a rename), and read at most ``limit + 1`` bytes (a device or
    a growing file is never read to the end).
    """
    label = label if label is not None else repr(os.fspath(path))
    try:
        fd = os.open(path, _READ_FLAGS)
    except (OSError, ValueError) as exc:
        raise IncludeError(label, _reason(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(label, info.st_mode)
        if info.st_size > limit:
            raise _too_large(label, info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _too_large(label, None, limit)
    except OSError as exc:
        raise IncludeError(label, _reason(exc)) from None
    finally:
        os.close(fd)
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IncludeError(label, f"not UTF-8 text (byte {exc.start + 1} is "
                           f"0x{exc.object[exc.start]:02x}); save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def resolve_include(name: str, base_dir: str | Path, page_dir: str | Path | None = None,
                    label: str | None = None, where: str = "the docs directory") -> Path:
    """The file ``name`` may be read as, under one rule for every host.

    Relative to the page's directory ``page_dir`` (``base_dir`` when there is no page),
    ``/x.dag`` relative to ``base_dir`` (Sphinx's source directory, MkDocs' docs_dir), as
    Sphinx resolves a directive's file argument; whatever it names must resolve inside
    ``base_dir`` (:func:`confine`). A drive or UNC path is refused.
    """
    label = label or f"file={name!r}"
    if "\x00" in name:
        raise IncludeError(label, "the name contains a NUL byte")
    windows = PureWindowsPath(name)
    if windows.drive or (windows.is_absolute() and not name.startswith("/")):
        raise IncludeError(label, f"a drive or network path is not allowed (use a path in "
                           f"{where}, or /path from its top)", refused=True)
    if name.startswith(("/", "\\")):
        target = Path(base_dir).joinpath(*PurePosixPath(name.replace("\\", "/")).parts[1:])
    else:
        target = Path(page_dir if page_dir is not None else base_dir) / name
    try:
        return confine(target, base_dir, label, where=where)
    except IncludeError as exc:
        if (page_dir is None or not exc.reason.startswith("no such file")
                or not os.path.isfile(Path(base_dir) / name)):  # isfile: never raises
            raise
        # MkDocs' file= was relative to docs/ before it followed the page, as Sphinx does
        raise IncludeError(label, f"{exc.reason} (it is relative to the page; "
                           f"/{PurePosixPath(name)} names the file at the top)") from None


def read_include(name: str, base_dir: str | Path,
                 page_dir: str | Path | None = None) -> tuple[Path, str]:
    """Resolve (:func:`resolve_include`) and read an included diagram (``file=``)."""
    path = resolve_include(name, base_dir, page_dir)
    return path, read_file(path, f"file={name!r}")
