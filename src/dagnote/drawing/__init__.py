"""Drawing: scene (sizes from font metrics, ports) -> ELK graph -> layout workers ->
placement -> writers (SVG). Imported only when something must be drawn."""
