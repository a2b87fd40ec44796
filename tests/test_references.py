"""The bibliography: one entry per key, none silently lost."""
import pytest

from hpgwidgets.references import bibliography, parse_bibtex
from hpgwidgets.tables import data_dir

ENTRY = "@article{{{key},\n  title = {{{title}}},\n  year = {{2013}}\n}}\n"


def test_every_entry_of_the_shipped_file_is_read_once():
    text = (data_dir() / "references.bib").read_text(encoding="utf-8")
    assert len(bibliography()) == text.count("\n@") + text.startswith("@")
    assert bibliography()["hsieh2013"]["journal"] == "J Urol"


def test_a_key_defined_twice_is_refused_with_both_lines():
    text = ENTRY.format(key="hsieh2013", title="One") + "\n" + ENTRY.format(key="hsieh2013", title="Two")
    with pytest.raises(ValueError, match=r"key 'hsieh2013' is defined twice \(lines 1 and 6\)"):
        parse_bibtex(text)


def test_an_entry_the_reader_cannot_take_apart_is_refused_not_dropped():
    text = ENTRY.format(key="good", title="Fine") + "@article{bad,\n  title = {Closing brace on the last line}}\n"
    with pytest.raises(ValueError, match="2 entries start with '@' but 1 could be read"):
        parse_bibtex(text)


def test_no_reference_list_shows_an_unverified_entry():
    from hpgwidgets.references import citations_text, is_verified

    unverified = [key for key in bibliography() if not is_verified(key)]
    listed = citations_text(list(bibliography()))
    assert "unverified" not in listed.lower() and "WEAK" not in listed
    assert all(bibliography()[key]["title"] not in listed for key in unverified)


def test_a_reference_list_is_alphabetical_by_first_author_whatever_order_the_papers_were_cited_in():
    # A product label (author: its company) cited between journal papers must still sit under its own letter.
    from hpgwidgets.references import citations_text

    keys = ["liu2006", "label_leuprolide", "coviello2005"]
    listed = [line.split("] ", 1)[1] for line in citations_text(keys).splitlines()]
    assert [line.split(",")[0].split(" ")[0] for line in listed] == ["AbbVie", "Coviello", "Liu"]
    assert citations_text(keys) == citations_text(list(reversed(keys)))


def test_every_reference_line_reads_as_printed_text():
    # Each line starts with a capital ('web article (n.d.)' did not) and shows a dash, not BibTeX's '--'
    # (Campbell 2021's title printed '2020 -- A follow up').
    from hpgwidgets.references import citations_text

    lines = [line.split("] ", 1)[1] for line in citations_text(list(bibliography())).splitlines()]
    assert len(lines) > 30
    assert [line for line in lines if not line[0].isupper()] == []
    assert [line for line in lines if "--" in line] == []
    assert any("2020 \u2013 A follow up" in line for line in lines)
