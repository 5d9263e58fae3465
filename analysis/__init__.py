"""Quantitative reading of Chinese automotive and NEV industrial-policy texts.

Layers, imports going downward only:
    types, errors, redaction
    loading -> cleaning -> metadata (gazetteer) -> store -> corpus
    segmentation -> keywords ; numbers -> targets
    filters, overview -> figures, export
    cli
Nothing here imports streamlit.
"""
