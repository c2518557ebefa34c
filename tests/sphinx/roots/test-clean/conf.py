extensions = ["sphinx_dagnote"]
project = "clean"
