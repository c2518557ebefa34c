"""``python -m dagnote``: the same as the ``dagnote`` command."""

from .cli import main

main()
