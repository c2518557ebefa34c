"""Writing a file so that no reader ever sees half of it, and a failure leaves nothing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory, renamed into place: parallel
    writers never expose half an image, and a failed write (a full disk) leaves neither a
    half-written file nor the temporary one.

    :param target: the file to write; its directory must exist.
    :param data: the whole content, for example :attr:`Rendered.output`.
    """
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
