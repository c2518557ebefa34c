"""dagnote diagrams in MkDocs: a Markdown extension, a SuperFences fence and a plugin.

- ``markdown_extensions: [dagnote]`` renders ```` ```dagnote ```` fences on its own;
- ``mkdocs_dagnote.superfences.fence_format`` / ``fence_validator`` plug into
  ``pymdownx.superfences`` ``custom_fences``;
- ``plugins: [dagnote]`` wires one of the two, renders every page's diagrams in one batch,
  keeps the cache in the project and reports problems as ``docs/page.md:LINE``.
"""

from __future__ import annotations

__all__ = ["FENCE_NAME"]

FENCE_NAME = "dagnote"
