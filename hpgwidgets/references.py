"""Citations: the BibTeX file ``data/references.bib`` and the papers a session used.

Like PyBaMM's citation tracking: every part of the package that rests on a paper
marks its key with :func:`cite`; a notebook ends with :func:`print_citations`, which
lists the papers behind what it actually ran.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import validation
from .tables import data_dir

_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", re.S)
_ENTRY_START = re.compile(r"^\s*@\w+\s*\{", re.M)
_FIELD = re.compile(r"(\w+)\s*=\s*\{(.*?)\}\s*(?:,|$)", re.S)

_used: list[str] = []


@lru_cache(maxsize=None)
def bibliography() -> dict[str, dict[str, str]]:
    """All entries of data/references.bib: key -> {field: value, 'type': ...}."""
    return parse_bibtex((data_dir() / "references.bib").read_text(encoding="utf-8"), "references.bib")


def parse_bibtex(text: str, source: str = "BibTeX") -> dict[str, dict[str, str]]:
    """Entries of a BibTeX text: key -> {field: value, 'type': ...}.

    Refuses (ValueError) a key used twice, since a second entry would silently replace
    the first, and an entry this reader cannot take apart, since it would silently vanish.
    """
    entries: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    matches = list(_ENTRY.finditer(text))
    for match in matches:
        kind, key, body = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        if key in entries:
            raise ValueError(f"{source}: key {key!r} is defined twice (lines {lines[key]} and {line}); "
                             "each reference needs its own key")
        fields = {name.lower(): " ".join(value.replace("{", "").replace("}", "").split())
                  for name, value in _FIELD.findall(body)}
        fields["type"] = kind.lower()
        entries[key], lines[key] = fields, line
    starts = len(_ENTRY_START.findall(text))
    if starts != len(matches):
        raise ValueError(f"{source}: {starts} entries start with '@' but {len(matches)} could be read; "
                         "each entry must be '@type{key,' ... with its closing '}' alone on a line")
    return entries


def cite(*keys: str) -> None:
    """Mark references as used in this session (unknown keys raise ValueError)."""
    known = bibliography()
    for key in keys:
        validation.text("reference key", key)
        if key not in known:
            raise ValueError(f"unknown reference key {key!r}; known keys: {', '.join(sorted(known))}")
        if key not in _used:
            _used.append(key)


def used_citations() -> tuple[str, ...]:
    """Keys cited so far, in first-use order."""
    return tuple(_used)


def format_reference(key: str) -> str:
    """One reference as a readable line (authors, year, title, journal)."""
    entry = bibliography()[key]
    names = [name.strip() for name in entry.get("author", "").split(" and ")]
    authors = ", ".join(names[:-1]) + " et al." if names[-1] == "others" else ", ".join(names)
    authors = authors[:1].upper() + authors[1:]  # a line starts with a capital: 'Web article (n.d.)'
    # BibTeX writes a dash as '--'; a reader expects the dash itself
    title = re.sub(r"\s+--\s+", " \u2013 ", entry.get("title", ""))
    parts = [authors, f"({entry.get('year', 'n.d.')})", title + "."]
    where = entry.get("journal") or entry.get("howpublished") or entry.get("publisher") or ""
    if where:
        where = where[0].upper() + where[1:]  # 'product label' after a title's full stop
        volume = entry.get("volume")
        pages = entry.get("pages", "").replace("--", "-")
        where += f" {volume}" if volume else ""
        where += f":{pages}" if pages else ""
        parts.append(where + ".")
    if entry.get("note"):
        parts.append(f"[{entry['note']}]")
    return " ".join(part for part in parts if part)


def is_verified(key: str) -> bool:
    """Whether an entry's authors and source were checked. Entries written ``author = {{unverified}}``
    stay in the file only while data/ still names them; no reference list shows them (issue 16)."""
    return bibliography()[key].get("author", "").strip().lower() != "unverified"


def citations_text(keys=None) -> str:
    """The used references (or the given keys) as numbered lines, alphabetical by first author then
    year (the text cites by name, not by number, so a reader looks a paper up by its author);
    unverified entries are left out."""
    keys = validation.known_keys("keys", keys, bibliography(), "reference keys of data/references.bib")
    keys = list(keys) if keys is not None else list(_used)
    lines = sorted((format_reference(key) for key in keys if key != "assumption" and is_verified(key)),
                   key=str.casefold)
    if not lines:
        return "No references have been cited yet in this session."
    return "\n".join(f"[{number}] {line}" for number, line in enumerate(lines, start=1))


def print_citations(keys=None) -> None:
    """Print the papers behind what this session used (or the given keys)."""
    print(citations_text(keys))
