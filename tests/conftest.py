"""Shared fixtures: Sphinx's own pytest fixtures (sphinx.testing) for real builds."""

pytest_plugins = ("sphinx.testing.fixtures",)
