"""Column headers of the regions page's tables, and the chart-click helper that leads from a
number to its sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

SENTENCE_LABELS: dict[str, object] = {
    "group": "组",
    "theme": "主题",
    "terms": "命中词",
    "category": "类型",
    "instrument": "工具编号",
    "label": "工具",
    "cues": "判定词",
    "sentence": "句子",
}
TARGET_LABELS: dict[str, object] = {
    "group": "组",
    "family": "指标类别",
    "unit": "单位",
    "metric": "指标",
    "comparator": "比较",
    "value": st.column_config.NumberColumn("目标值", format="localized"),
    "value_high": st.column_config.NumberColumn("上限", format="localized"),
    "deadline": st.column_config.NumberColumn("期限", format="%d"),
    "year": st.column_config.NumberColumn("文档年份", format="%d"),
    "sentence": "句子",
}
ATTAINMENT_LABELS: dict[str, object] = {
    "group": "组",
    "region": "地区",
    "year": st.column_config.NumberColumn("目标年份", format="%d"),
    "metric": "指标编号",
    "metric_label": "指标",
    "target_value": st.column_config.NumberColumn("目标值", format="localized"),
    "target_high": st.column_config.NumberColumn("目标上限", format="localized"),
    "comparator": "比较",
    "unit": "单位",
    "result_value": st.column_config.NumberColumn("实际值", format="localized"),
    "gap": st.column_config.NumberColumn("差距", format="%+.2f"),
    "status": "是否实现",
    "target_metric": "目标原文指标",
    "result_metric": "结果原文指标",
    "target_doc": "目标文档",
    "result_doc": "结果文档",
    "target_sentence": "目标句",
    "result_sentence": "结果句",
}


def clicked(
    event: object, group_of: Mapping[str, str], item_of: Callable[[dict], str]
) -> tuple[str, str] | None:
    """(group, item) of the first point of a chart selection event, or None.

    Chart labels are escaped (`<b>粗体省</b>` shows as text), so the clicked x label is
    mapped back to the raw group name through `group_of` (`regions_figures.raw_names`).
    """
    points = (event or {}).get("selection", {}).get("points", [])  # type: ignore[union-attr]
    if not points:
        return None
    point = points[0]
    try:
        return group_of[point["x"]], item_of(point)
    except (KeyError, IndexError, TypeError):
        return None


def pick_from_chart(
    key: str,
    group_key: str,
    item_key: str,
    group_of: Mapping[str, str],
    item_of: Callable[[dict], str],
) -> None:
    """A click on a chart point sets the group and item pickers (before the rerun), so the
    sentences behind the clicked number are listed below the chart.
    """
    picked = clicked(st.session_state.get(key), group_of, item_of)
    if picked is not None:
        st.session_state[group_key], st.session_state[item_key] = picked


HEADLINE_LABELS: dict[str, object] = {
    "group": "组",
    "documents": "文档",
    "chars": "字数",
    "targets": "目标数",
    "top_theme": "最突出主题",
    **{
        category: st.column_config.ProgressColumn(label, format="percent", min_value=0, max_value=1)
        for category, label in (
            ("supply", "供给型"),
            ("demand", "需求型"),
            ("environment", "环境型"),
        )
    },
}
TERM_LABELS: dict[str, object] = {
    "term": "词",
    "z": st.column_config.NumberColumn("z", format="%.1f"),
    "count": "次数",
}
