extensions = ["sphinx_dagnote"]
project = "dagnote-latex-test"
numfig = True
