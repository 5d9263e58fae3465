"""Cleaning: generic rules on small snippets, the four seeds, the 2026 web pages, properties."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.cleaning import (
    _FULLWIDTH_RUN,
    _WHITESPACE,
    CleanResult,
    changes_frame,
    clean_text,
    halfwidth,
)
from analysis.types import CHANGE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WORK_REPORTS_2026 = CORPUS / "prov_work_reports_2026__johncodes404"

BODY = "今年全市新能源汽车产量达到120万辆，同比增长15%。"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@cache
def cleaned_seed(prefix: str) -> CleanResult:
    return clean_text(seed(prefix))


def steps(result: CleanResult) -> set[str]:
    return {c.step for c in result.changes}


def assert_offsets_point_at_raw(raw: str, result: CleanResult) -> None:
    for change in result.changes:
        assert 0 <= change.start < change.end <= len(raw)
        assert raw[change.start : change.end] == change.removed, change


# --------------------------------------------------------------------------- rules, by example

RULE_CASES = [
    # (id, raw, kept, gone, step)
    (
        "breadcrumb_line",
        f"湖北\n湖北 > 时讯 > 正文\n{BODY}",
        [BODY],
        ["时讯", "湖北"],
        "breadcrumb",
    ),
    (
        "breadcrumb_lines",
        f"当前位置：\n首页\n>\n政务信息\n>\n要闻\n要闻\n标题\n{BODY}",
        ["标题", BODY],
        ["首页", "要闻", "当前位置"],
        "breadcrumb",
    ),
    (
        "breadcrumb_marker",
        f"您的位置:某网>>会议发言/>>正文\n{BODY}",
        [BODY],
        ["某网"],
        "breadcrumb",
    ),
    (
        "font_widget",
        f"下载\n打印\n全屏\n收藏\n【字号：\n加大\n还原\n减小\n】\n报告\n{BODY}",
        ["报告", BODY],
        ["下载", "打印", "字号", "加大", "】"],
        "site_chrome",
    ),
    (
        "font_widget_sizes",
        f"【字体：\n大\n中\n小\n】\n{BODY}",
        [BODY],
        ["字体", "大\n"],
        "site_chrome",
    ),
    (
        "shop_header",
        f"购物车\n我的足迹\n\n讲话\n\n加入Vip免费下载 立即下载\n{BODY}",
        ["讲话", BODY],
        ["购物车", "足迹", "Vip"],
        "site_chrome",
    ),
    (
        "share_widget",
        f"{BODY}\n收藏\n|\n分享到:\n分享到微信\n×",
        [BODY],
        ["分享", "|", "×"],
        "site_chrome",
    ),
    ("counter", f"{BODY}\n\n来源:某区\n\n推荐49680", [BODY, "来源:某区"], ["推荐"], "counter"),
    ("counter_empty", f"阅读量：\n{BODY}", [BODY], ["阅读量"], "counter"),
    (
        "paywall",
        "汽车产业\n……(某网http://x.cn省略929字,正式会员可完整阅读)…… \n实现产值。",
        ["汽车产业\n实现产值。"],
        ["省略", "会员"],
        "paywall",
    ),
    (
        "truncation",
        "二是要强化人才培养。支 ……(未完,全文共4956字,当前仅显示2611字,请阅读下面提示。收藏《讲话》",
        ["二是要强化人才培养。支"],
        ["未完", "收藏", "当前仅显示"],
        "truncation",
    ),
    (
        "page_tail",
        f"{BODY}\n相关报道：\n代表热议政府工作报告\n解读报告",
        [BODY],
        ["相关报道", "热议"],
        "page_tail",
    ),
    (
        "print_close_tail",
        f"{BODY}\n扫一扫在手机打开当前页\n【\n打印本页\n】\n【\n关闭窗口\n】",
        [BODY],
        ["扫一扫", "打印", "关闭", "【", "】"],
        "site_chrome",
    ),
    (
        "photo_credit",
        f"代表们认真审议报告。 本报记者 王鼎 摄\n{BODY}",
        ["审议报告。"],
        ["记者"],
        "photo_credit",
    ),
    (
        "headline_repeated",
        f"某区召开汽车产业大会全力建设车谷\n\n{BODY}\n\n某区召开汽车产业大会全力建设车谷\n\n{BODY[:9]}。",
        [BODY],
        ["车谷\n某区召开"],
        "duplicate_line",
    ),
    (
        "fullwidth",
        "增长５．５％，ＧＤＰ达到１２３亿元。",
        ["增长5.5%，GDP达到123亿元。"],
        ["％", "５"],
        "fullwidth",
    ),
    (
        "tabs_blank_lines",
        "\t第一段。\n\n\n\n\t第二段。  \n",
        ["第一段。\n第二段。"],
        ["\t", "\n\n"],
        "whitespace",
    ),
    (
        "one_line_paragraphs",
        "上海市市长\u3000龚正 各位代表： \u3000\u3000现在，我代表政府报告工作。"
        " \u3000\u3000一、回顾",
        ["各位代表：\n现在，我代表政府报告工作。\n一、回顾", "龚正"],
        ["\u3000"],
        "whitespace",
    ),
    (
        "one_line_heading",
        "各位代表： 现在，我代表政府报告工作。 一、2023年工作回顾 过去一年，"
        + "我们攻坚克难。" * 50,
        ["\n一、2023年工作回顾\n过去一年，"],
        ["回顾 过去"],
        "whitespace",
    ),
]


@pytest.mark.parametrize(
    ("raw", "kept", "gone", "step"),
    [case[1:] for case in RULE_CASES],
    ids=[case[0] for case in RULE_CASES],
)
def test_rule(raw: str, kept: list[str], gone: list[str], step: str) -> None:
    result = clean_text(raw)
    for text in kept:
        assert text in result.text
    for text in gone:
        assert text not in result.text
    assert step in steps(result)
    assert_offsets_point_at_raw(raw, result)


@pytest.mark.parametrize(
    "raw",
    [
        "关于促进汽车消费的若干措施 2025年3月1日",  # title and date
        "Model Y and Model 3 deliveries rose.",  # Latin words
        "武汉经开区党工委会议 全力以赴加快建设“世界车谷”",  # headline and subtitle
        "2025年 力争产量突破120万辆",
    ],
)
def test_real_separators_are_kept(raw: str) -> None:
    assert clean_text(raw).text == raw


@pytest.mark.parametrize(
    ("raw", "placeholders"),
    [
        ("实现税收XX亿元，同比增长XX%。", ["XX", "XX"]),
        ("支持*汽车、*新能源科技公司做大做强。", ["*", "*"]),
        ("累计整车销量突破XXXX万辆。", ["XXXX"]),
    ],
)
def test_placeholders_are_kept_and_recorded(raw: str, placeholders: list[str]) -> None:
    result = clean_text(raw)
    assert result.text == raw
    recorded = [c.removed for c in result.changes if c.step == "placeholder"]
    assert recorded == placeholders


def test_pdf_wrap_spaces_are_joined_and_paragraph_ends_broken() -> None:
    paragraph = (
        "面对需求收缩供给冲击预期转弱三重压力园区上下撸起袖子加油干凝心聚力抓经济千方百计谋发展" * 3
    )
    wrapped = " ".join(paragraph[i : i + 24] for i in range(0, len(paragraph), 24))
    raw = f"讲话稿 同志们: {wrapped}。 过去一年，我们交出了答卷。"
    text = clean_text(raw).text
    assert paragraph in text
    assert "同志们:\n" in text
    assert "。\n过去一年" in text


def test_table_of_contents_is_removed_headings_stay() -> None:
    headings = ["一、锚定发展方位凝聚共识", "二、聚焦关键环节精准发力", "三、强化要素保障营造环境"]
    body = "\n".join(f"{h}\n{h[2:]}，{BODY}" for h in headings)
    raw = "讲话\n目录/提纲:……\n" + "\n".join(headings) + "\n……\n" + body
    result = clean_text(raw)
    assert result.text == "讲话\n" + body
    assert "toc" in steps(result)


def test_title_and_history_above_an_unannounced_contents_list_stay() -> None:
    chapters = ["第一章 总 则", "第二章 献血服务与激励", "第三章 采供血管理", "第四章 法律责任"]
    history = "2021年11月26日 北京市第十五届人民代表大会常务委员会第三十五次会议通过"
    head = f"# 北京市献血条例\n\n{history}\n\n<!-- INFO END -->\n\n"
    contents = "\n\n".join(f"## {c}" for c in chapters)
    body = "\n".join(f"## {c}\n第{i}条 {BODY}" for i, c in enumerate(chapters, 1))
    raw = f"{head}{contents}\n\n{body}"
    result = clean_text(raw)
    assert result.text.startswith("北京市献血条例\n2021年11月26日 北京市第十五届"), result.text[:80]
    for chapter in chapters:
        assert result.text.count(chapter) == 1
    assert "toc" in steps(result)


def test_document_pasted_twice_keeps_one_copy() -> None:
    copy = "\n".join(f"\t第{i}段：{BODY}" for i in range(12))
    result = clean_text(copy + copy)
    assert result.text.count(BODY) == 12
    assert "duplicate_document" in steps(result)


def test_clean_input_is_untouched() -> None:
    raw = f"标题\n{BODY}\n{BODY[:10]}。"
    result = clean_text(raw)
    assert result.text == raw
    assert result.changes == []


def test_changes_frame_has_the_change_columns() -> None:
    raw = f"首页 > 新闻 > 正文\n{BODY}\n推荐12"
    result = clean_text(raw)
    frame = changes_frame(result.changes)
    assert tuple(frame.columns) == CHANGE_COLUMNS
    assert len(frame) == len(result.changes)
    assert frame["start"].dtype == "int64"
    assert tuple(changes_frame([]).columns) == CHANGE_COLUMNS


# --------------------------------------------------------------------------- seeds


def test_seed_000_pasted_twice_comes_out_once() -> None:
    raw, result = seed("000"), cleaned_seed("000")
    assert 0.4 <= len(result.text) / len(raw) <= 0.6
    assert result.text.count("1月12日上午，我市召开汽车产业大会") == 1
    assert result.text.endswith("投资的汽车企业负责人参加会议。")
    assert "\t" not in result.text and "\n\n" not in result.text


def test_seed_001_loses_chrome_toc_and_paywall_but_keeps_the_speech() -> None:
    raw, result = seed("001"), cleaned_seed("001")
    assert "您的位置" not in result.text
    assert "目录" not in result.text
    assert "省略" not in result.text and "未完" not in result.text
    notice = re.compile(r"[…\.]*[ \t]*[（(][^)）]*(?:省略|未完)")
    chrome = re.compile(r"您的位置|>>|省略")
    body = [line for line in raw.splitlines() if len(line) > 40 and not chrome.search(line)]
    assert len(body) >= 12
    for line in body:
        assert notice.split(line)[0].strip() in result.text
    headings = [ln for ln in raw.splitlines() if re.match(r"[一二三四]、", ln)]
    for heading in {h for h in headings if raw.count(h) > 1}:  # in TOC and body: kept once
        assert result.text.count(heading) == 1
    assert {"breadcrumb", "toc", "paywall", "truncation"} <= steps(result)


def test_seed_002_loses_navigation_and_counter() -> None:
    result = cleaned_seed("002")
    lines = result.text.splitlines()
    assert lines[0].startswith("武汉经开区党工委会议")
    assert "推荐49680" not in result.text
    assert not any(ln in {"湖北", "站内"} or ">" in ln for ln in lines)
    assert result.text.count("全力以赴加快建设“世界车谷”\n") == 1
    assert lines[-1] == "来源:武汉经开区"


def test_seed_003_wrap_spaces_removed_placeholders_kept() -> None:
    raw, result = seed("003"), cleaned_seed("003")
    assert "讲话" in result.text and "讲 话" not in result.text
    assert "奋斗" in result.text and "奋 斗" not in result.text
    assert re.search(rf"[{CJK}] [{CJK}]", result.text) is None
    assert "购物车" not in result.text and "Vip" not in result.text
    assert result.text.count("XX") == raw.count("XX")
    recorded = [c for c in result.changes if c.step == "placeholder"]
    assert sum(c.removed.count("XX") for c in recorded) == raw.count("XX")
    assert all(set(c.removed) <= set("X") for c in recorded)


CJK = "\u4e00-\u9fff"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seed_changes_point_at_raw_text(prefix: str) -> None:
    assert_offsets_point_at_raw(seed(prefix), cleaned_seed(prefix))


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seed_cleaning_is_idempotent(prefix: str) -> None:
    once = cleaned_seed(prefix).text
    assert clean_text(once).text == once


def test_repeated_clause_in_a_list_is_content() -> None:
    item = "（一）从事危害作业的；"
    raw = f"第一条 有下列情形之一的：\n{item}\n第二条 下列人员：\n{item}"
    assert clean_text(raw).text == raw


# --------------------------------------------------------------------------- 2026 web pages


def work_report_files() -> list[Path]:
    return sorted(WORK_REPORTS_2026.glob("2026_*.csv")) if WORK_REPORTS_2026.exists() else []


@cache
def work_report(path: Path) -> tuple[str, CleanResult]:
    raw = str(pd.read_csv(path, encoding="utf-8-sig")["full_text"].iloc[0])
    return raw, clean_text(raw)


CHROME_LINE = re.compile(
    r"(下载|打印|全屏|收藏|相关报道：|【字号：|【字体：|您的位置.*|当前位置.*|首页|>)"
)


@pytest.mark.corpus
@pytest.mark.parametrize("path", work_report_files(), ids=lambda p: p.stem[5:8])
def test_work_report_2026_loses_chrome_keeps_sentences(path: Path) -> None:
    raw, result = work_report(path)
    lines = result.text.splitlines()
    assert not CHROME_LINE.fullmatch(lines[0])
    assert not any(CHROME_LINE.fullmatch(line) for line in lines)
    assert not any(line in {"打印本页", "关闭窗口", "扫一扫在手机打开当前页"} for line in lines)
    sentences = {s.strip() for s in re.findall(r"[^。\n]*。", raw) if len(s.strip()) >= 5}
    compact = re.sub(r"\s+", "", result.text)
    kept = [s for s in sentences if re.sub(r"\s+", "", s.replace("％", "%")) in compact]
    assert len(kept) >= 0.95 * len(sentences)
    assert_offsets_point_at_raw(raw, result)


def test_work_reports_2026_exist_or_skip() -> None:
    if not work_report_files():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    assert len(work_report_files()) == 31


# --------------------------------------------------------------------------- properties

PIECES = [
    "讲",
    "话",
    "奋斗",
    "汽车产业",
    "。",
    "，",
    "；",
    "：",
    "XX",
    "*",
    "１２",
    "％",
    "．",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\u3000",
    "\u2003",
    "\u00a0",
    "\r\n",
    ">",
    "首页",
    "下载",
    "【字号：",
    "】",
    "推荐12",
    "相关报道：",
    "目录",
    "……",
    "(省略9字)",
    "一、",
    "a",
    "B",
]
snippets = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
texts = st.one_of(st.text(), snippets, st.text(alphabet=st.sampled_from("讲话。 \n\u3000X*")))
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(texts)
def test_never_raises_and_offsets_point_at_raw(raw: str) -> None:
    result = clean_text(raw)
    assert_offsets_point_at_raw(raw, result)


@PROPERTY_SETTINGS
@given(texts)
def test_idempotent(raw: str) -> None:
    once = clean_text(raw).text
    assert clean_text(once).text == once


@PROPERTY_SETTINGS
@given(texts)
def test_never_invents_characters(raw: str) -> None:
    allowed = set(halfwidth(raw)) | {"\n", " "}
    assert {halfwidth(ch) for ch in clean_text(raw).text} <= allowed


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(PIECES[:12]), min_size=5, max_size=40).map("".join))
def test_repeated_document_property(copy: str) -> None:
    result = clean_text(copy + "\n" + copy)
    assert_offsets_point_at_raw(copy + "\n" + copy, result)


# The whitespace and full-width patterns as first written: each alternative opens at its
# own position. The shipped ones consume the first character and check it in a lookbehind
# (a class-led pattern is searched much faster); they must match exactly the same spans.
_WS = " \t\u00a0\u2002\u2003\u3000\ufeff"
_PLAIN_WHITESPACE = re.compile(
    rf"(?=[\s\ufeff])"
    rf"(?:(?P<crlf>\r\n?)"
    rf"|(?P<lead>\A[\s\ufeff]+)"
    rf"|(?P<end>[\s\ufeff]+\Z)"
    rf"|(?P<indent>(?<=\n)[{_WS}]+)"
    rf"|(?P<trail>[{_WS}]+(?=\r|\n))"
    rf"|(?P<blank>\n(?:[{_WS}]*\n)+)"
    rf"|(?P<para>[ \t\u00a0]*[\u2003\u3000]{{2,}}|[ \t\u00a0]+[\u2003\u3000]+"
    rf"|(?<=[。！？])[{_WS}]+)"
    rf"|(?P<space>[\t\u00a0\u2002\u2003\u3000\ufeff][{_WS}]*| {{2,}}))"
)
_PLAIN_FULLWIDTH_RUN = re.compile(
    r"(?=[０-９Ａ-Ｚａ-ｚ％．])(?:[０-９Ａ-Ｚａ-ｚ％]|(?<=[0-9０-９])．(?=[0-9０-９]))+"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_WS + "\r\n\x0b\u2028。！？a中1０．.５Ａ％", max_size=30))
def test_class_led_patterns_match_the_plain_ones(text: str) -> None:
    for fast, plain in ((_WHITESPACE, _PLAIN_WHITESPACE), (_FULLWIDTH_RUN, _PLAIN_FULLWIDTH_RUN)):
        expected = [(m.span(), m.lastgroup) for m in plain.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in fast.finditer(text)] == expected
