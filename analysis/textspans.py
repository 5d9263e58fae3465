"""Locating a span inside its paragraph, so a number can be shown where it was written."""

from __future__ import annotations


def paragraph_around(
    text: str, start: int, end: int, *, max_chars: int = 600
) -> tuple[str, str, str]:
    """(before, span, after) within the paragraph holding text[start:end].

    Long one-line texts (some reports have no line breaks) are cut to `max_chars` around
    the span.

    >>> paragraph_around("第一段。\\n到2025年底，配套率达到80%以上。\\n第三段。", 18, 21)
    ('到2025年底，配套率达到', '80%', '以上。')
    """
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"span {start}:{end} is outside a text of {len(text)} characters")
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end == -1 else para_end
    room = max(0, (max_chars - (end - start)) // 2)
    para_start = max(para_start, start - room)
    para_end = min(para_end, end + room)
    return text[para_start:start], text[start:end], text[end:para_end]
