"""``python -m dagnote``: the same as the ``dagnote`` command."""

from .build.cli import main

main()
