"""Text from documents, file names and corrections shown as text, never as markup.

Plotly renders a subset of HTML in legend entries, tick labels and hover text (`<b>`,
`<a href>`, `<br>`), so every string that came from data is entity-escaped before a
figure is drawn; the figure's own markup (hover templates built by `figures`) is left as
it is.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import plotly.graph_objects as go

# Trace properties whose strings come from data (region names, terms, file names).
_DATA_PROPERTIES = ("x", "y", "text", "customdata", "labels", "ids")


def escape_plotly(text: str) -> str:
    """`text` as Plotly shows it literally.

    >>> escape_plotly("<b>湖北省</b> & 武汉")
    '&lt;b&gt;湖北省&lt;/b&gt; &amp; 武汉'
    """
    return html.escape(text, quote=False)


def _escaped(values: Any) -> Any:
    if isinstance(values, str):
        return escape_plotly(values)
    if isinstance(values, tuple | list):
        return type(values)(_escaped(v) for v in values)
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":  # from plotly express
        return _escaped(values.tolist())
    return values


def escape_figure_text(figure: go.Figure) -> go.Figure:
    """A copy of `figure` whose trace names and data strings are shown as text."""
    escaped = go.Figure(figure)
    for trace in escaped.data:
        name = getattr(trace, "name", None)
        if isinstance(name, str) and name != escape_plotly(name):
            trace.name = escape_plotly(name)
            # plotly express writes the colour group's value into the hover template
            template = getattr(trace, "hovertemplate", None)
            if isinstance(template, str):
                trace.hovertemplate = template.replace(name, escape_plotly(name))
            if getattr(trace, "legendgroup", None) == name:
                trace.legendgroup = escape_plotly(name)
        for prop in _DATA_PROPERTIES:
            if prop in trace and trace[prop] is not None:
                trace[prop] = _escaped(trace[prop])
    return escaped
