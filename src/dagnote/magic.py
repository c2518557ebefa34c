"""``%load_ext dagnote``: the ``%%dagnote`` cell magic (imported only by IPython).

The cell's text is the diagram; the magic returns a :class:`dagnote.notebook.Diagram`,
which Jupyter shows as the figure with its located warnings (``cell:LINE:COL``, the
``%%dagnote`` line being line 1 of the cell).
"""

from __future__ import annotations

from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.utils.process import arg_split

from .build.options import DIRECTIONS
from .notebook import Diagram


@magics_class
class DagnoteMagics(Magics):
    """Holds the ``%%dagnote`` cell magic."""

    @magic_arguments()
    @argument("--direction", "-d", type=str.upper, choices=DIRECTIONS,
              help="layout direction, overriding the diagram's own")
    @argument("--caption", "-c", help="caption under the figure")
    @argument("--alt", help="text alternative (default: the three-element summary)")
    @argument("--summary", "-s", action="store_true",
              help="show the three-element summary under the figure")
    @cell_magic
    def dagnote(self, line: str, cell: str) -> Diagram:
        """Draw the cell as a dagnote diagram: %%dagnote [--direction LR] [--caption TEXT]"""
        # posix=True: quotes group words and go (IPython's parse_argstring keeps them)
        args = self.dagnote.parser.parse_args(arg_split(line, posix=True))
        return Diagram(cell, direction=args.direction, caption=args.caption, alt=args.alt,
                       summary=args.summary, where="cell", line_offset=1)


def register(ipython: object) -> None:
    """Add the magics to a running IPython (``load_ipython_extension`` calls this)."""
    ipython.register_magics(DagnoteMagics)  # type: ignore[attr-defined]
