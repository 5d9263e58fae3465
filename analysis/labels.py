"""Chinese names for the stable English column names, shared by the pages and every export.

Data keeps its English column names (the command line and scripts rely on them); what a
person reads, on screen or in a downloaded CSV/XLSX, carries these headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

# What a missing region or year is called wherever it is shown: groups, filters, charts.
UNKNOWN_REGION: Final = "（未知）"
UNKNOWN_YEAR: Final = "未知年份"

COLUMN_LABELS: Final[dict[str, str]] = {
    # documents
    "doc_id": "编号",
    "source": "文件",
    "title": "标题",
    "province": "省",
    "city": "市",
    "district": "区县",
    "year": "年份",
    "date": "日期",
    "doc_type": "类型",
    "chars": "字数",
    "raw_chars": "原始字数",
    "sha256": "SHA-256",
    "source_site": "来源网站",
    "region": "地区",
    "documents": "文档数",
    # keywords
    "group": "分组",
    "term": "词语",
    "count": "词频",
    "per_10k": "每万字",
    "docs": "文档数",
    "z": "z 值",
    "count_other": "对照词频",
    "left": "左文",
    "right": "右文",
    "start": "位置",
    "end": "结束位置",
    "tfidf": "TF-IDF",
    # quantities and targets
    "deadline": "期限",
    "horizon": "期限跨度（年）",
    "metric": "指标",
    "canonical_metric": "标准指标",
    "family": "指标类别",
    "value": "数值",
    "value_high": "上限",
    "unit": "单位",
    "comparator": "比较",
    "kind": "类别",
    "scale": "量级表述",
    "cue": "判断依据",
    "raw": "原文",
    "sentence": "句子",
    "targets": "目标数",
    "median_horizon": "期限中位数",
    "metric_key": "可比指标",
    "label": "名称",
    "regions": "地区数",
    "shown": "显示值",
    "shown_unit": "显示单位",
}


def label_of(column: str, overrides: Mapping[str, str] | None = None) -> str:
    """The header a person reads for `column` (the English name if none is known).

    >>> label_of("per_10k")
    '每万字'
    """
    if overrides and column in overrides:
        return overrides[column]
    return COLUMN_LABELS.get(column, column)


def localised(frame: pd.DataFrame, overrides: Mapping[str, str] | None = None) -> pd.DataFrame:
    """`frame` with Chinese headers, as on screen; duplicates keep their English name."""
    names = [label_of(c, overrides) for c in frame.columns]
    seen: set[str] = set()
    unique = []
    for column, name in zip(frame.columns, names, strict=True):
        unique.append(name if name not in seen else f"{name}（{column}）")
        seen.add(name)
    return frame.set_axis(unique, axis=1)


# Cleaning rules by their machine name (the `step` of a change record).
CLEANING_STEP_LABELS: Final[dict[str, str]] = {
    "site_chrome": "网页按钮与导航",
    "breadcrumb": "面包屑导航",
    "paywall": "付费墙提示",
    "truncation": "截断提示",
    "photo_credit": "图片署名",
    "page_tail": "网页尾部",
    "related": "相关报道",
    "toc": "重复的目录",
    "duplicate_document": "重复粘贴的全文",
    "duplicate_line": "重复的行",
    "pdf_wrap": "PDF 换行",
    "whitespace": "空白整理",
    "fullwidth": "全角转半角",
    "placeholder": "脱敏占位符",
    "markup": "网页/Markdown 标记",
    "spaced_digits": "数字间空格",
}

# Why a token exists (`segmentation.explain_segmentation`'s `source`).
TOKEN_SOURCE_LABELS: Final[dict[str, str]] = {
    "domain dictionary": "领域词典",
    "user word": "用户词",
    "jieba dictionary": "jieba 词典",
    "HMM/new word": "新词识别（HMM）",
    "number": "数字",
    "punctuation": "标点",
    "placeholder": "脱敏占位符",
}

# Which stopword list drops a token (`stopword`).
STOPWORD_LIST_LABELS: Final[dict[str, str]] = {
    "general": "通用停用词",
    "officialese": "公文套话",
    "user": "用户停用词",
    "": "",
}


def translated(values: pd.Series, labels: Mapping[str, str]) -> pd.Series:
    """Machine names shown in Chinese; unknown names stay as they are, missing ones blank."""
    return values.map(lambda v: "" if v is None or v != v else labels.get(v, v))
