from __future__ import annotations

import io
import zipfile

import pytest

from analysis.errors import RejectedFile
from analysis.loading import decode_bytes, read_bytes, text_sha256

SAMPLE = "到2025年底，力争实现动力电池本地配套率达到80%以上。全市新能源汽车产量突破100万辆。" * 3


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),  # with BOM
        ("gb18030", b""),
        ("gbk", b""),
        ("utf-16", b""),  # Python writes a BOM
        ("utf-16-le", b""),  # no BOM
        ("big5", b""),
    ],
)
def test_decodes_chinese_encodings(encoding: str, prefix: bytes) -> None:
    text = SAMPLE if encoding != "big5" else "新能源汽車產業發展規劃。推動汽車產業高質量發展。" * 4
    data = prefix + text.encode(encoding)
    decoded, _ = decode_bytes(data, name="x.txt")
    assert decoded == text


def test_short_gbk_text_is_not_mistaken_for_another_script() -> None:
    decoded, _ = decode_bytes("汽车产业大会".encode("gbk"), name="short.txt")
    assert decoded == "汽车产业大会"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "empty"),
        ("image.txt", bytes(range(256)) * 20, "binary"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "unsupported"),
        ("noext", b"hello", "unsupported"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "corrupt"),
        ("broken.pdf", b"%PDF-1.4 garbage", "corrupt"),
        ("table.csv", b"a,b\n1,2\n", "no_text_column"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(name: str, data: bytes, code: str) -> None:
    with pytest.raises(RejectedFile) as info:
        read_bytes(data, name)
    assert info.value.code == code
    assert info.value.source == name
    assert info.value.message  # a sentence for the user


def test_same_text_in_two_encodings_has_one_hash() -> None:
    utf8 = read_bytes(SAMPLE.encode("utf-8"), "a.txt")[0]
    gbk = read_bytes(SAMPLE.encode("gb18030"), "b.txt")[0]
    assert utf8.sha256 == gbk.sha256 == text_sha256(SAMPLE)


def test_crlf_is_normalised() -> None:
    doc = read_bytes("第一段\r\n第二段\r\n".encode(), "a.txt")[0]
    assert doc.raw_text == "第一段\n第二段\n"


def test_csv_rows_become_documents_with_hints() -> None:
    data = (
        "\ufeffprovince,year,title,publish_date,full_text\n"
        "安徽省,2026,2026年安徽省政府工作报告,2026-01-20,今年经济增长目标5%左右。\n"
        "湖北省,2026,湖北省政府工作报告,,全省新能源汽车产量增长15%。\n"
    ).encode()
    docs = read_bytes(data, "reports.csv")
    assert [d.source for d in docs] == ["reports.csv#1", "reports.csv#2"]
    assert docs[0].raw_text == "今年经济增长目标5%左右。"
    assert docs[0].hints == {"title": "2026年安徽省政府工作报告", "date": "2026-01-20"}
    assert docs[1].hints == {"title": "湖北省政府工作报告"}


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_are_read() -> None:
    doc = read_bytes(_docx_bytes(["西安市汽车产业大会", "加快打造千亿级汽车产业集群。"]), "a.docx")[
        0
    ]
    assert doc.raw_text == "西安市汽车产业大会\n加快打造千亿级汽车产业集群。"


def test_html_keeps_visible_text_only() -> None:
    html = (
        "<html><head><title>t</title><style>p{color:red}</style>"
        "<script>var x='脚本';</script></head>"
        "<body><p>武汉经开区&nbsp;建设世界车谷</p><div>第二段</div></body></html>"
    ).encode()
    text = read_bytes(html, "page.html")[0].raw_text
    assert "建设世界车谷" in text and "第二段" in text
    assert "脚本" not in text and "color" not in text


def test_zip_renamed_docx_without_document_is_rejected() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "x")
    with pytest.raises(RejectedFile) as info:
        read_bytes(buffer.getvalue(), "fake.docx")
    assert info.value.code == "corrupt"
