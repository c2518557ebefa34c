extensions = ["sphinx_dagnote"]
numfig = True
project = "basic"
