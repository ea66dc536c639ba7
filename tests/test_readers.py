"""Reading articles: formats, metadata, encodings, and a clear error for every bad record."""
from __future__ import annotations

import codecs
import datetime as dt
import io
import json

import pytest

from eventwire.io.clean import clean_text, parse_dateline
from eventwire.io.readers import decode_bytes, parse_published, read_articles
from eventwire.model import Article, RecordError

BODY = "KABUL (AP) — Gunmen attacked a checkpoint in the north on Tuesday, officials said."


def read(paths, **kw):
    return list(read_articles([str(p) for p in paths], **kw))


def only_article(results) -> Article:
    assert len(results) == 1, results
    assert isinstance(results[0], Article), results[0]
    return results[0]


def only_error(results) -> RecordError:
    assert len(results) == 1, results
    assert isinstance(results[0], RecordError), results[0]
    return results[0]


# --- formats and metadata --------------------------------------------------------------------


def test_txt_defaults_id_to_stem_and_reads_dateline(tmp_path):
    path = tmp_path / "kabul-attack.txt"
    path.write_text(BODY + "\n", encoding="utf-8")
    art = only_article(read([path]))
    assert art.doc_id == "kabul-attack"
    assert art.text == BODY
    assert art.published is None and art.source is None
    assert art.dateline_place == "Kabul" and art.dateline_outlet == "AP"


def test_txt_sidecar_meta(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({
        "id": "doc-7", "published": "2017-07-21", "source": "Press Shia Agency",
        "title": "Checkpoint attacked", "url": "https://example.org/a",
    }), encoding="utf-8")
    art = only_article(read([tmp_path / "a.txt"]))
    assert art.doc_id == "doc-7"
    assert art.published == dt.date(2017, 7, 21)
    assert art.source == "Press Shia Agency"
    assert art.title == "Checkpoint attacked" and art.url == "https://example.org/a"


def test_options_override_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps(
        {"id": "doc-7", "published": "2017-07-21", "source": "Outlet A"}), encoding="utf-8")
    art = only_article(read([tmp_path / "a.txt"], published="2018-01-02", source="Outlet B", doc_id="x1"))
    assert (art.doc_id, art.published, art.source) == ("x1", dt.date(2018, 1, 2), "Outlet B")
    # the sidecar's title survives when not overridden
    (tmp_path / "a.meta.json").write_text(json.dumps({"title": "T"}), encoding="utf-8")
    art = only_article(read([tmp_path / "a.txt"], source="Outlet B"))
    assert art.title == "T" and art.source == "Outlet B"


def test_jsonl_fields_and_aliases(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [
        {"id": "a", "text": "First report of shelling.", "published": "2017-07-21", "source": "Reuters",
         "title": "Shelling", "url": "https://example.org/1"},
        {"id": "b", "content": "Second report.", "date": "21 July 2017"},
        {"id": "c", "body": "Third report.", "dct": "2017-07-21T23:30:00+03:00"},
        {"id": "d", "text": "Fourth report.", "publication_date": "July 21, 2017"},
        {"text": "No id here."},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    arts = read([path])
    assert all(isinstance(a, Article) for a in arts)
    assert [a.doc_id for a in arts] == ["a", "b", "c", "d", "news-5"]
    assert [a.text for a in arts][:3] == ["First report of shelling.", "Second report.", "Third report."]
    assert {a.published for a in arts[:4]} == {dt.date(2017, 7, 21)}
    assert arts[0].source == "Reuters" and arts[0].title == "Shelling" and arts[0].url.endswith("/1")
    assert arts[4].published is None  # missing date is not an error at read time


def test_csv_with_quoted_multiline_text(tmp_path):
    path = tmp_path / "news.csv"
    path.write_text(
        'id,title,text,published,source\n'
        'a,One,"BEIRUT, July 21 (Reuters) - Line one.\nLine two, with a comma.",2017-07-21,Reuters\n'
        'b,Two,"Plain text, ""quoted"" words.",,\n',
        encoding="utf-8",
    )
    arts = read([path])
    assert [type(a) for a in arts] == [Article, Article]
    assert arts[0].text == "BEIRUT, July 21 (Reuters) - Line one.\nLine two, with a comma."
    assert arts[0].published == dt.date(2017, 7, 21) and arts[0].source == "Reuters"
    assert arts[0].dateline_place == "Beirut" and arts[0].dateline_outlet == "Reuters"
    assert arts[1].text == 'Plain text, "quoted" words.' and arts[1].published is None


def test_csv_large_field_and_row_names(tmp_path):
    path = tmp_path / "big.csv"
    big = "word " * 60_000  # 300,000 characters: above csv's default 131,072 field limit
    path.write_text(f'id,text\nbig,"{big}"\nbad,\n', encoding="utf-8")
    out = read([path])
    assert isinstance(out[0], Article) and len(out[0].text) == len(big.strip())
    assert isinstance(out[1], RecordError) and out[1].record.endswith("big.csv:3")
    assert out[1].reason == "empty text"


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,title\n1,A\n", encoding="utf-8")
    err = only_error(read([path]))
    assert "no text column" in err.reason


def test_unknown_extension(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"PK\x03\x04")
    err = only_error(read([path]))
    assert "unknown file type .docx" in err.reason


def test_missing_file_is_a_record_error(tmp_path):
    err = only_error(read([tmp_path / "nope.jsonl"]))
    assert "cannot read file" in err.reason


# --- stdin -----------------------------------------------------------------------------------


def test_stdin_jsonl_default_and_txt_and_csv():
    data = b'{"id": "s1", "text": "From stdin."}\n{"id": "s2", "text": ""}\n'
    out = list(read_articles(["-"], stdin=io.BytesIO(data)))
    assert isinstance(out[0], Article) and out[0].doc_id == "s1"
    assert isinstance(out[1], RecordError) and out[1].record == "-:2" and out[1].reason == "empty text"

    out = list(read_articles(["-"], input_format="txt", published="2017-07-21", doc_id="t",
                             stdin=io.BytesIO(BODY.encode())))
    art = only_article(out)
    assert art.doc_id == "t" and art.published == dt.date(2017, 7, 21) and art.text == BODY

    out = list(read_articles(["-"], input_format="csv", stdin=io.BytesIO(b"id,text\nc1,Hello there.\n")))
    assert only_article(out).doc_id == "c1"


def test_unknown_input_format_is_a_usage_error():
    with pytest.raises(ValueError):
        list(read_articles(["-"], input_format="xml", stdin=io.BytesIO(b"")))


# --- encodings -------------------------------------------------------------------------------


def test_cp1252_file_decodes(tmp_path):
    path = tmp_path / "cp.txt"
    path.write_bytes(b"The Caf\xe9 was hit, a \x93spokesman\x94 said \x96 no one died.")
    art = only_article(read([path]))
    assert art.text == "The Café was hit, a \u201cspokesman\u201d said \u2013 no one died."


def test_latin1_file_decodes(tmp_path):
    path = tmp_path / "l1.txt"
    text = "Fighting near the caf\u00e9 in S\u00e3o Tom\u00e9, na\u00efve reports said, \u00e0 la fran\u00e7aise."
    path.write_bytes(text.encode("latin-1"))
    assert only_article(read([path])).text == text


def test_cp1252_line_inside_utf8_jsonl(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        '{"id": "u", "text": "Caf\u00e9 in UTF-8."}\n'.encode("utf-8")
        + b'{"id": "w", "text": "Caf\xe9 in cp1252."}\n'
    )
    arts = read([path])
    assert [a.text for a in arts] == ["Café in UTF-8.", "Café in cp1252."]


def test_utf8_bom(tmp_path):
    (tmp_path / "b.txt").write_bytes(codecs.BOM_UTF8 + "Caf\u00e9 attack.".encode())
    assert only_article(read([tmp_path / "b.txt"])).text == "Café attack."
    (tmp_path / "b.jsonl").write_bytes(codecs.BOM_UTF8 + b'{"id": "x", "text": "ok"}\n')
    assert only_article(read([tmp_path / "b.jsonl"])).doc_id == "x"
    (tmp_path / "b.csv").write_bytes(codecs.BOM_UTF8 + b"id,text\ny,fine\n")
    assert only_article(read([tmp_path / "b.csv"])).doc_id == "y"


def test_utf16_with_bom(tmp_path):
    (tmp_path / "w.txt").write_bytes("Caf\u00e9 \u2014 Damas\u00e7us.".encode("utf-16"))
    assert only_article(read([tmp_path / "w.txt"])).text == "Café \u2014 Damasçus."
    (tmp_path / "w.jsonl").write_bytes('{"id": "a", "text": "one"}\n{"id": "b", "text": "two"}\n'.encode("utf-16"))
    assert [a.doc_id for a in read([tmp_path / "w.jsonl"])] == ["a", "b"]


def test_binary_file(tmp_path):
    for name in ("img.txt", "img.jsonl", "img.csv"):
        path = tmp_path / name
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
        err = only_error(read([path]))
        assert err.reason == "binary file, not text", name
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(bytes(range(1, 32)) * 50)


def test_empty_file(tmp_path):
    for name, content in (("e.txt", b""), ("s.txt", b"  \n\n "), ("e.csv", b"")):
        (tmp_path / name).write_bytes(content)
        assert only_error(read([tmp_path / name])).reason == "empty text", name
    (tmp_path / "e.jsonl").write_bytes(b"")
    assert read([tmp_path / "e.jsonl"]) == []  # no records, nothing to report


# --- bad records -----------------------------------------------------------------------------


def test_malformed_line_between_good_ones(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "a", "text": "one"}\n{"id": "b", "text": "tw\n{"id": "c", "text": "three"}\n'
                    '[1, 2]\n{"id": "e", "title": "no text"}\n{"id": "f", "text": 5}\n', encoding="utf-8")
    out = read([path])
    assert [type(x).__name__ for x in out] == ["Article", "RecordError", "Article", "RecordError",
                                                "RecordError", "RecordError"]
    assert [out[0].doc_id, out[2].doc_id] == ["a", "c"]
    assert out[1].record == f"{path}:2"
    assert "malformed JSON" in out[1].reason and "column" in out[1].reason
    assert out[3].record.endswith(":4") and "not a JSON object" in out[3].reason
    assert out[4].record.endswith(":5") and "missing text field" in out[4].reason
    assert "not a string" in out[5].reason


def test_invalid_date(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "text": "x", "published": "last Tuesday"}\n'
                    '{"id": "b", "text": "y", "published": "2017-02-30"}\n', encoding="utf-8")
    out = read([path])
    assert all(isinstance(e, RecordError) for e in out)
    assert out[0].reason.startswith("invalid published date 'last Tuesday': expected YYYY-MM-DD")
    assert "2017-02-30" in out[1].reason
    (tmp_path / "t.txt").write_text("Some text.", encoding="utf-8")
    err = only_error(read([tmp_path / "t.txt"], published="21/21/2017"))
    assert "invalid published date" in err.reason


def test_too_large_refused_then_accepted(tmp_path):
    big = ("Fighting continued in the north. " * 160_000)[:5_000_000]
    path = tmp_path / "big.txt"
    path.write_text(big, encoding="utf-8")
    err = only_error(read([path]))
    assert err.reason == "too large: 5,000,000 characters (limit 1,000,000; raise --max-chars)"
    art = only_article(read([path], max_chars=6_000_000))
    assert len(art.text) == len(big.strip())
    # the same in JSON Lines, with a good record after it
    jl = tmp_path / "big.jsonl"
    jl.write_text(json.dumps({"id": "big", "text": big}) + "\n" + '{"id": "ok", "text": "small"}\n',
                  encoding="utf-8")
    out = read([jl])
    assert isinstance(out[0], RecordError) and "too large" in out[0].reason
    assert isinstance(out[1], Article) and out[1].doc_id == "ok"


def test_900k_article_accepted(tmp_path):
    text = ("Clashes were reported near the border. " * 25_000)[:900_000]
    path = tmp_path / "n.txt"
    path.write_text(text, encoding="utf-8")
    assert len(only_article(read([path])).text) == len(text.strip())


def test_nothing_lost_across_files(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "x", "text": "two"}\nnot json\n', encoding="utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    out = read([tmp_path / "a.txt", tmp_path / "b.jsonl", tmp_path / "c.pdf"])
    assert [type(x).__name__ for x in out] == ["Article", "Article", "RecordError", "RecordError"]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "2017-07-21", "2017/07/21", "20170721", "2017-07-21T10:00:00Z", "2017-07-21T23:59:00+03:00",
    "2017-07-21 08:15:00", "21 July 2017", "21 Jul 2017", "21st July 2017", "Friday, 21 July 2017",
    "July 21, 2017", "Jul. 21, 2017", "July 21 2017", "Fri, 21 Jul 2017 10:00:00 GMT",
    "Fri, 21 Jul 2017 10:00:00 +0300", "21/07/2017", "07/21/2017", dt.date(2017, 7, 21),
    dt.datetime(2017, 7, 21, 12, 0),
])
def test_parse_published_accepts(value):
    assert parse_published(value) == dt.date(2017, 7, 21)


@pytest.mark.parametrize("value", ["", "yesterday", "2017-13-01", "July 2017", "07/02/2017", "32 July 2017",
                                   "Fri, 21 Foo 2017 10:00:00 GMT", 20170721])
def test_parse_published_rejects(value):
    with pytest.raises(ValueError, match="invalid published date"):
        parse_published(value)


def test_parse_published_dayfirst_resolves_ambiguity():
    assert parse_published("07/02/2017", dayfirst=True) == dt.date(2017, 2, 7)
    assert parse_published("07/02/2017", dayfirst=False) == dt.date(2017, 7, 2)


# --- cleaning and datelines ------------------------------------------------------------------


@pytest.mark.parametrize("text, place, outlet, body", [
    ("DAMASCUS (Press Shia Agency) – The army advanced.", "Damascus", "Press Shia Agency", "The army"),
    ("BEIRUT, July 21 (Reuters) - Shells fell.", "Beirut", "Reuters", "Shells"),
    ("KABUL (AP) — A bomb exploded.", "Kabul", "AP", "A bomb"),
    ("MOGADISHU, Somalia (AP) — Militants attacked.", "Mogadishu, Somalia", "AP", "Militants"),
    ("Maiduguri, Nigeria — Gunmen struck.", "Maiduguri, Nigeria", None, "Gunmen"),
    ("GAZA CITY, Nov 3 (Reuters) - Air strikes hit.", "Gaza City", "Reuters", "Air strikes"),
    ("ISLAMABAD: Police said.", "Islamabad", None, "Police"),
    ("AL-QAIM, Iraq (AFP) -- Troops moved.", "Al-Qaim, Iraq", "AFP", "Troops"),
    ("HOUSTON, TX (KHOU) – A man was shot.", "Houston, TX", "KHOU", "A man"),
    ("LAGOS (Feb. 4, 2014) – Police said.", "Lagos", None, "Police"),
    ("Photo caption line\n\nJUBA, South Sudan (AP) — Fighting resumed.", "Juba, South Sudan", "AP", "Fighting"),
    ("UPDATE: ROCKFORD, Ill. (WIFR) -- The coroner said.", "Rockford, Ill.", "WIFR", "The coroner"),
])
def test_parse_dateline(text, place, outlet, body):
    got_place, got_outlet, start = parse_dateline(text)
    assert (got_place, got_outlet) == (place, outlet)
    assert text[start:].startswith(body)


@pytest.mark.parametrize("text", [
    "The Syrian Army – backed by allies – advanced.", "Meanwhile – the talks stalled.",
    "UPDATE: two more bodies were found.", "Sun 05 Jul 2015 22 dead in raids.", "",
    "Officials said on Friday that 3 people died.",
])
def test_no_dateline(text):
    assert parse_dateline(text) == (None, None, 0)


def test_clean_text_removes_boilerplate_and_keeps_report():
    raw = (
        "Share this article\r\n"
        "Advertisement\r\n"
        "KABUL (AP) — Gunmen attacked a checkpoint (Photo: Staff) on Tuesday.\r\n\r\n\r\n"
        "AFP PHOTO / A soldier stands guard in the city\n"
        "Read more: Earlier attacks in the province\n"
        "Click here to subscribe.\n"
        "We use cookies to improve your experience.\n"
        "Follow us on Twitter\n"
        "Sign up for our daily newsletter\n"
        "Two soldiers were killed,\u00a0the  ministry said.\n"
        "Clicking through reports, officials counted 12 dead.\n"
        "Copyright 2017 The Associated Press. All rights reserved.\n"
        "Relatedly, the governor resigned.\n"
        "(Photo: Jane Doe/Getty Images)\n"
    )
    cleaned = clean_text(raw)
    assert cleaned == (
        "KABUL (AP) — Gunmen attacked a checkpoint on Tuesday.\n\n"
        "Two soldiers were killed, the ministry said.\n"
        "Clicking through reports, officials counted 12 dead.\n"
        "Relatedly, the governor resigned."
    )


def test_clean_text_is_idempotent_and_article_text_is_clean(tmp_path):
    raw = "Advertisement\nDAMASCUS (SANA) – Text here.\n\n\nMore text.\n"
    once = clean_text(raw)
    assert clean_text(once) == once
    (tmp_path / "a.txt").write_text(raw, encoding="utf-8")
    art = only_article(read([tmp_path / "a.txt"]))
    assert art.text == once == "DAMASCUS (SANA) – Text here.\n\nMore text."
    assert art.dateline_place == "Damascus" and art.dateline_outlet == "SANA"


def test_article_of_only_boilerplate_is_empty(tmp_path):
    (tmp_path / "b.txt").write_text("Advertisement\nShare\nCopyright 2020 X.\n", encoding="utf-8")
    assert only_error(read([tmp_path / "b.txt"])).reason == "empty text"


# --- real inputs -----------------------------------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_bundled_seed_example_reads_with_its_sidecar():
    path = ROOT / "examples" / "qalamoun-arsal-2017-07-21.txt"
    if not path.exists():
        pytest.skip("examples/qalamoun-arsal-2017-07-21.txt is not present")
    art = only_article(read([path]))
    assert art.doc_id == "qalamoun-arsal-2017-07-21"
    assert art.published == dt.date(2017, 7, 21) and art.source == "Press Shia Agency"
    assert (art.dateline_place, art.dateline_outlet) == ("Damascus", "Press Shia Agency")
    assert art.text.startswith("DAMASCUS (Press Shia Agency) – The Syrian Army")
    assert "Hezbollah" in art.text


def test_real_news_jsonl_nothing_lost():
    """GVA news articles (dev data): one record out per line in, empties named."""
    path = ROOT.parent / "shared" / "data" / "gva-dev" / "documents.jsonl"
    if not path.exists():
        pytest.skip(f"needs {path} (the project's shared dev data), which is absent here")
    with open(path, encoding="utf-8") as handle:
        n_lines = sum(1 for line in handle if line.strip())
    out = read([path])
    assert len(out) == n_lines
    errors = [x for x in out if isinstance(x, RecordError)]
    assert {e.reason for e in errors} == {"empty text"}
    assert len(errors) < 0.03 * n_lines
    articles = [x for x in out if isinstance(x, Article)]
    assert all(a.published is not None for a in articles)  # "dct" is read as the publication date
    assert sum(1 for a in articles if a.dateline_place) > 0.2 * len(articles)


def test_non_latin_legacy_encoding_is_detected(tmp_path):
    text = "Военные сообщили, что в результате обстрела погибли три человека. Боевики атаковали позиции армии."
    (tmp_path / "ru.txt").write_bytes(text.encode("cp1251"))
    assert only_article(read([tmp_path / "ru.txt"])).text == text


def test_utf16_csv(tmp_path):
    (tmp_path / "w.csv").write_bytes("id,text,published\nq,Caf\u00e9 shelled.,2017-07-21\n".encode("utf-16"))
    art = only_article(read([tmp_path / "w.csv"]))
    assert (art.doc_id, art.text, art.published) == ("q", "Café shelled.", dt.date(2017, 7, 21))


def test_clean_text_normalises_characters():
    raw = "Two\u00a0soldiers\u200b were\u00adkilled.\x07\r\nSecond\u2028line\tend  "
    assert clean_text(raw) == "Two soldiers werekilled.\nSecond\nline end"


def test_sidecars_listed_as_inputs_are_not_articles(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"id": "A"}', encoding="utf-8")
    (tmp_path / "orphan.meta.json").write_text('{"id": "B"}', encoding="utf-8")
    out = read(sorted(tmp_path.iterdir()))
    assert [type(x).__name__ for x in out] == ["Article", "RecordError"]
    assert out[0].doc_id == "A" and "sidecar without" in out[1].reason


def test_csv_row_with_wrong_field_count(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,text\na,First.,,\nb,Second.,extra\nc\nd,Fourth.\n", encoding="utf-8")
    out = read([path])
    assert [type(x).__name__ for x in out] == ["Article", "RecordError", "RecordError", "Article"]
    assert out[1].record.endswith("r.csv:3") and "expected 2 fields, found 3" in out[1].reason
    assert out[3].doc_id == "d"
