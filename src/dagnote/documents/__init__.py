"""Diagrams inside documents: finding blocks and fences, reading included files, embedding SVG."""
