"""Segmentation: domain dictionary, stopwords, inspector, token counts, engine agreement."""

from __future__ import annotations

from pathlib import Path

import jieba
import pandas as pd
import pytest

from analysis import segmentation as seg
from analysis.segmentation import (
    SegmentationError,
    Segmenter,
    corpus_token_counts,
    explain_segmentation,
    is_content_term,
    load_domain_dictionary,
    load_stopwords,
    parse_dict_line,
    stopword_set,
    token_counts,
)

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Phrases of the issue that plain jieba cuts apart; the domain dictionary keeps them whole.
SPLIT_BY_PLAIN_JIEBA = [
    "新能源汽车",
    "智能网联",
    "智能网联汽车",
    "换电站",
    "产业链条",
    "补链强链",
    "专精特新",
    "车路协同",
    "车规级芯片",
    "固态电池",
    "本地配套率",
    "世界车谷",
    "近地化配套",
    "充换电",
    "车路云一体化",
    "电池回收",
    "新型储能",
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.mark.parametrize("phrase", SPLIT_BY_PLAIN_JIEBA)
def test_domain_dictionary_keeps_phrases_plain_jieba_splits(
    phrase: str, segmenter: Segmenter
) -> None:
    assert jieba.lcut(phrase) != [phrase]
    assert segmenter.cut(phrase) == [phrase]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("到2025年底本地配套率达到80%", ["本地配套率", "80%"]),
        ("一是要补链强链固链", ["补链强链", "固链"]),
        ("全力以赴加快建设“世界车谷”", ["世界车谷"]),
        ("围绕车规级芯片等薄弱环节", ["车规级芯片"]),
        ("加快推进换电站、充电站建设", ["换电站", "充电站"]),
        ("推动新能源汽车产业做大做强", ["新能源汽车", "产业"]),
        ("重点引进一批“专精特新”企业", ["专精特新"]),
    ],
)
def test_domain_words_stay_whole_in_context(
    text: str, expected: list[str], segmenter: Segmenter
) -> None:
    tokens = segmenter.cut(text)
    assert all(word in tokens for word in expected), tokens


def test_every_domain_entry_is_cut_whole_on_its_own(segmenter: Segmenter) -> None:
    split = [e.word for e in load_domain_dictionary() if segmenter.cut(e.word) != [e.word]]
    assert split == []


def test_domain_dictionary_is_well_formed() -> None:
    entries = load_domain_dictionary()
    words = [e.word for e in entries]
    assert len(words) >= 300
    assert len(words) == len(set(words)), "duplicate entries"
    assert all(e.freq > 0 and e.tag for e in entries)


def test_stopword_lists_are_disjoint_and_spare_domain_words() -> None:
    general, officialese = load_stopwords("general"), load_stopwords("officialese")
    assert general.isdisjoint(officialese)
    domain = {e.word for e in load_domain_dictionary()}
    assert domain.isdisjoint(general | officialese)
    assert {"同志们", "进一步", "加快", "推进", "坚持"} <= officialese
    assert {"的", "我们", "以及"} <= general


@pytest.mark.parametrize(
    ("options", "token", "kind"),
    [
        ({}, "进一步", "officialese"),
        ({}, "我们", "general"),
        ({}, "换电站", ""),
        ({"officialese_stopwords": False}, "进一步", ""),
        ({"general_stopwords": False}, "我们", ""),
        ({"user_stopwords": ["汽车"]}, "汽车", "user"),
        ({"user_stopwords": ["进一步"]}, "进一步", "user"),
    ],
)
def test_stopword_kind_follows_switches(options: dict, token: str, kind: str) -> None:
    assert Segmenter(**options).stopword_kind(token) == kind


def test_stopword_set_switches() -> None:
    assert "进一步" not in stopword_set(officialese=False)
    assert "的" not in stopword_set(general=False)
    assert "整车" in stopword_set(user=["整车"])


@pytest.mark.parametrize(
    ("term", "content"),
    [
        ("换电站", True),
        ("S800", True),
        ("2025", False),
        ("17.5%", False),
        ("二十", False),
        ("千万", True),
        ("，", False),
        ("……", False),
        ("车", False),
        ("XX", False),
        ("N*9031", False),
        ("*汽车", False),
        ("  ", False),
    ],
)
def test_is_content_term(term: str, content: bool) -> None:
    assert is_content_term(term) is content


def test_terms_drop_stopwords_numbers_punctuation(segmenter: Segmenter) -> None:
    # 亿元 is a unit token, a general stopword; XX and 200 are never terms
    assert segmenter.terms("我们要进一步加快建设换电站200座，XX亿元") == ["换电站"]


@pytest.mark.parametrize(
    ("text", "token", "source", "stopword"),
    [
        ("加快建设世界车谷", "世界车谷", "domain dictionary", ""),
        ("加快建设世界车谷", "加快", "jieba dictionary", "officialese"),
        ("我们建成换电站", "我们", "jieba dictionary", "general"),
        ("建成换电站200座", "200", "number", ""),
        ("换电站，充电桩", "，", "punctuation", ""),
        ("营收XX亿元", "XX", "placeholder", ""),
        ("*汽车集团作了汇报", "*汽车集团", "placeholder", ""),
        ("芯片N*9031量产", "N*9031", "placeholder", ""),
        ("尊界S800上市", "S800", "HMM/new word", ""),
    ],
)
def test_explain_segmentation_sources(
    text: str, token: str, source: str, stopword: str, segmenter: Segmenter
) -> None:
    table = explain_segmentation(text, segmenter)
    assert list(table.columns) == ["token", "start", "end", "source", "stopword"]
    row = table[table["token"] == token].iloc[0]
    assert (row["source"], row["stopword"]) == (source, stopword)
    assert text[row["start"] : row["end"]] == token


def test_user_words_and_stopwords() -> None:
    plain = Segmenter()
    assert "一核多翼" not in plain.cut("打造一核多翼的产业空间布局")
    custom = Segmenter(user_words=["一核多翼", "天工系统 3000 nz"], user_stopwords=["产业"])
    assert "一核多翼" in custom.cut("打造一核多翼的产业空间布局")
    table = explain_segmentation("打造一核多翼的产业空间布局", custom).set_index("token")
    assert table.loc["一核多翼", "source"] == "user word"
    assert table.loc["产业", "stopword"] == "user"
    assert "天工系统" in custom.cut("推广天工系统")


@pytest.mark.parametrize("line", ["", "a b c d", "词 高频"])
def test_bad_dictionary_lines_are_refused(line: str) -> None:
    with pytest.raises(SegmentationError):
        parse_dict_line(line)


def test_bad_engine_is_refused() -> None:
    with pytest.raises(SegmentationError, match="auto, rjieba, jieba"):
        Segmenter(engine="hanlp")  # type: ignore[arg-type]


def test_fallback_to_jieba_without_rjieba(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seg, "rjieba_available", lambda: False)
    fallback = Segmenter()
    assert fallback.engine_name == "jieba"
    assert fallback.cut("建设世界车谷") == ["建设", "世界车谷"]
    with pytest.raises(SegmentationError, match="pip install rjieba"):
        Segmenter(engine="rjieba")


@pytest.mark.parametrize(
    "text",
    ["", "　\t\n", "营收XX亿元，*区政府、N*9031", "UTF-8 与 gov.cn、4.5-5%", SEEDS[1].read_text()],
)
def test_tokens_join_back_to_the_text(text: str, segmenter: Segmenter) -> None:
    assert "".join(segmenter.cut(text)) == text
    spans = segmenter.tokenize(text)
    assert all(text[start:end] == token for token, start, end in spans)


def test_token_counts_keep_everything_but_whitespace(segmenter: Segmenter) -> None:
    counts = token_counts("d1", "我们建设换电站，\n换电站 200座", segmenter)
    assert list(counts.columns) == ["doc_id", "term", "count"]
    table = dict(zip(counts["term"], counts["count"], strict=True))
    assert table["换电站"] == 2
    assert table["我们"] == 1 and table["，"] == 1 and table["200"] == 1
    assert not any(term.isspace() for term in table)


def test_corpus_token_counts_reports_progress(segmenter: Segmenter) -> None:
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["充电桩", "充电桩和换电站"]})
    calls: list[tuple[int, int]] = []
    counts = corpus_token_counts(corpus, segmenter, lambda i, n: calls.append((i, n)))
    assert counts.groupby("doc_id")["count"].sum().to_dict() == {"a": 1, "b": 3}
    assert calls[-1] == (2, 2)


def test_corpus_token_counts_empty_and_bad_input(segmenter: Segmenter) -> None:
    empty = corpus_token_counts(pd.DataFrame({"doc_id": [], "text": []}), segmenter)
    assert empty.empty and list(empty.columns) == ["doc_id", "term", "count"]
    with pytest.raises(SegmentationError, match="text"):
        corpus_token_counts(pd.DataFrame({"doc_id": ["a"]}), segmenter)


@pytest.mark.slow
def test_worker_processes_count_the_same(segmenter: Segmenter) -> None:
    corpus = pd.DataFrame(
        {"doc_id": [p.stem for p in SEEDS], "text": [p.read_text() for p in SEEDS]}
    )
    single = corpus_token_counts(corpus, segmenter)
    pooled = corpus_token_counts(corpus, segmenter, workers=2)
    pd.testing.assert_frame_equal(single, pooled)


def test_threaded_process_counts_serially(
    segmenter: Segmenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server (threads) must not fork: the pool is skipped and the result is the same."""
    monkeypatch.setattr(seg.threading, "active_count", lambda: 3)
    monkeypatch.setattr(seg, "ProcessPoolExecutor", None)  # would raise if used
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["充电桩", "换电站", "世界车谷"]})
    pooled = corpus_token_counts(corpus, segmenter, workers=2)
    assert pooled["term"].tolist() == ["充电桩", "换电站", "世界车谷"]


def _sample_texts() -> list[str]:
    texts = [p.read_text() for p in SEEDS]
    reports = sorted((CORPUS / "prov_work_reports_2025__alexzhu0").glob("*.txt"))[:5]
    return texts + [p.read_text() for p in reports]


@pytest.mark.skipif(not seg.rjieba_available(), reason="rjieba not installed")
def test_compiled_engine_cuts_like_jieba_with_the_same_dictionary() -> None:
    """rjieba (jieba-rs) + our dictionary gives jieba's tokens exactly.

    Measured on the whole shared corpus (14.3 M chars): 100 % identical once non-Chinese
    runs are re-split the jieba way (`_split_like_jieba`); before that fix 99.992 %.
    """
    compiled, reference = Segmenter(engine="rjieba"), Segmenter(engine="jieba")
    texts = _sample_texts()
    assert len(texts) >= 4
    for text in texts:
        assert compiled.cut(text) == reference.cut(text)
