"""Link targets: what ``link [enc]: TARGET`` may point at, checked before anything is drawn.

A target is a URL (``http``/``https``, or relative: ``api.html#x``, ``../x/``, ``#x``) or
a cross-reference target written as a Sphinx role would take it (``py:class:pkg.Enc``,
``:py:class:`pkg.Enc```, ``:doc:`api```), which only a host that knows the documented
objects (Sphinx) can turn into a URL. Every other scheme (``javascript:``, ``data:``,
``file:``) is refused: a figure must never carry a link that runs code or reads files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

URL_SCHEMES = ("http", "https")
MAX_TARGET = 2000  # characters
_NAME = r"[A-Za-z][A-Za-z0-9_-]*"
# :role:`target` or :domain:role:`target` (as written in reST)
_ROLE = re.compile(rf":(?:(?P<domain>{_NAME}):)?(?P<role>{_NAME}):`(?P<target>[^`]+)`")
# domain:role:target (bare: both names are needed, so a URL scheme never matches alone)
_BARE = re.compile(rf"(?P<domain>{_NAME}):(?P<role>{_NAME}):(?P<target>[^\s:`][^\s`]*)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_BAD_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f\\<>\"`]")


@dataclass(frozen=True)
class Target:
    """Where a linked element points: a URL, or a cross-reference for the host to resolve.

    ``xref`` is ``domain:role:target`` (domain empty for a role of the default domain).
    """

    url: str | None = None
    xref: str | None = None


class TargetError(ValueError):
    """A link target that cannot be used; the message says why and what to write."""


def safe_url(url: str) -> bool:
    """Whether ``url`` may become an ``href``: http(s), or relative with no scheme."""
    if not url or len(url) > MAX_TARGET or _BAD_URL_CHAR.search(url):
        return False
    if _SCHEME.match(url):
        return urlsplit(url).scheme.lower() in URL_SCHEMES and "//" in url[:9]
    return True


def parse_target(text: str) -> Target:
    """The target written after ``link ITEM:`` (quotes taken off by the caller)."""
    text = text.strip()
    if not text:
        raise TargetError("the link target is empty: write a URL or a cross-reference, "
                          "as in 'link [enc]: https://example.org/enc'")
    if len(text) > MAX_TARGET:
        raise TargetError(f"the link target is longer than {MAX_TARGET} characters")
    role = _ROLE.fullmatch(text)
    bare = _BARE.fullmatch(text) if not text.lower().startswith(("http:", "https:")) else None
    found = role or bare
    if found is not None:
        target = " ".join(found.group("target").split())
        return Target(xref=f"{found.group('domain') or ''}:{found.group('role')}:{target}")
    if safe_url(text):
        return Target(url=text)
    scheme = _SCHEME.match(text)
    if scheme and scheme.group().lower()[:-1] not in URL_SCHEMES:
        raise TargetError(
            f"links may use http, https or a relative URL, not '{scheme.group()}': for a "
            "documented object write a cross-reference, as in 'py:class:pkg.Encoder' or "
            ":doc:`api`")
    if re.search(r"\s", text):
        raise TargetError("a URL cannot hold spaces: write them as %20 (or quote nothing)")
    raise TargetError(f"'{text}' is not a URL a link can use: write it as "
                      "'https://host/path' or a relative path such as 'api.html#enc'")


def split_xref(xref: str) -> tuple[str, str, str]:
    """``domain:role:target`` -> (domain, role, target); domain may be empty."""
    domain, role, target = xref.split(":", 2)
    return domain, role, target
