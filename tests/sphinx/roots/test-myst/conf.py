extensions = ["sphinx_dagnote", "myst_parser"]
myst_fence_as_directive = ["dagnote"]
project = "myst"
