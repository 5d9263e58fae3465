"""Quantitative reading of Chinese automotive and NEV industrial-policy texts.

Layers, imports going downward only:
    types, errors, redaction
    loading -> cleaning -> metadata (gazetteer) -> store -> corpus
    segmentation -> keywords ; numbers -> targets
    filters, overview -> figures, export
    cli
Nothing here imports streamlit.
"""

import warnings

# cpca (the address parser behind the gazetteer) imports pkg_resources, which setuptools
# 80 marks as deprecated on every start; it is cpca's to fix, not a user's to read.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
