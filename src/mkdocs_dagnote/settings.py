"""Config options of the plugin that MkDocs' own option types cannot check."""

from __future__ import annotations

from mkdocs.config import config_options as c

from dagnote.build.options import valid_timeout


class Timeout(c.BaseConfigOption[float]):
    """Seconds one layout may take: a positive number (YAML's ``.inf`` included, and
    ``1e10``, which YAML reads as text); more than MAX_TIMEOUT means MAX_TIMEOUT. Anything
    else stops the build with a configuration error that says why."""

    def __init__(self, default: float = 30.0) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        try:
            return valid_timeout(value)
        except ValueError as exc:
            raise c.ValidationError(str(exc)) from None
