extensions = ["sphinx_dagnote"]
numfig = True
project = "groups"
