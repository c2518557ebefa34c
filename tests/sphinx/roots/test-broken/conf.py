extensions = ["sphinx_dagnote"]
project = "broken"
