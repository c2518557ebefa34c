"""The language: text to statements (parse), to a typed training setup (model), checked (checks)."""
