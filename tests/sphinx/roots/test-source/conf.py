extensions = ["sphinx_dagnote"]
project = "source"
