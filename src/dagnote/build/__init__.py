"""The build: one render path for every host (pipeline), the cache, the ``dagnote`` command."""
