"""The front door and the reference hold together: every link of README.md, docs/*.md and
bench/README.md leads to a file that exists, and every ``page.md#anchor`` to a heading of that
page (anchors as GitHub makes them). Links are found by a Markdown parser, not by patterns.

docs/README.md also links the pages other branches of issue 23 write (checks, alignment,
career paths, SPARQL, security, the endpoint's security, the planner): until those are merged
the test names them as missing, which is what it is for.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.embedding_support import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]
README_LINES = 300


def _tokens(path: Path):
    return MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``path``: lower case, punctuation dropped,
    spaces as hyphens, a repeated one numbered."""
    found: set[str] = set()
    tokens = _tokens(path)
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type != "heading_open":
            continue
        text = "".join(child.content for child in inline.children or []
                       if child.type in ("text", "code_inline"))
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def links(path: Path) -> list[str]:
    """Every link and image target of ``path``."""
    targets = []
    for token in _tokens(path):
        for child in token.children or []:
            if child.type == "link_open":
                targets.append(child.attrs["href"])
            elif child.type == "image":
                targets.append(child.attrs["src"])
    return targets


def broken(path: Path) -> list[str]:
    """The links of ``path`` that lead nowhere."""
    problems = []
    for target in links(path):
        if re.match(r"[a-z]+:", target):  # https:, mailto:: not ours to check
            continue
        file, _, anchor = target.partition("#")
        where = (path.parent / file).resolve() if file else path
        if not where.exists():
            problems.append(f"{target}: no such file")
        elif anchor and where.suffix == ".md" and anchor not in anchors(where):
            problems.append(f"{target}: no heading with that anchor")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_leads_somewhere(page):
    assert broken(page) == []


def test_a_broken_link_is_caught(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## Its `part`, here\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n[fine](other.md#its-part-here) [gone](missing.md) "
                    "[wrong](other.md#nothing) [self](#page) ![pic](nope.png) "
                    "[web](https://example.org/x)\n", encoding="utf-8")
    assert broken(page) == ["missing.md: no such file", "other.md#nothing: no heading with that "
                            "anchor", "nope.png: no such file"]


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_LINES, f"README.md has {lines} lines; the reference goes in docs/"
    assert "docs/README.md" in links(ROOT / "README.md")


def test_the_index_lists_every_page():
    index = ROOT / "docs" / "README.md"
    listed = {(index.parent / target.partition("#")[0]).resolve() for target in links(index)}
    pages = {page.resolve() for page in (ROOT / "docs").glob("*.md") if page != index}
    assert sorted(p.name for p in pages - listed) == [], "add them to docs/README.md"
