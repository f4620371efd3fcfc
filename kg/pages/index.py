"""``index.html`` of a folder of pages: a link to every page in it, with its title and subtitle.

Written by ``aikg viz`` and ``aikg charts`` after their pages, so the index of the committed
``visualizations/`` folder links every committed page and chart. Titles are read back from the
pages with the standard library's HTML parser and escaped again on the way out.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from kg.store.io import atomic_write

INDEX = "index.html"


class _Heading(HTMLParser):
    """Collects a page's ``<title>`` and its header's ``.subtitle`` text."""

    def __init__(self):
        super().__init__()
        self.title, self.subtitle, self._in = "", "", None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "title" and not self.title:  # the page's; an SVG's <title> comes later
            self._in = "title"
        elif "subtitle" in classes and not self.subtitle:
            self._in = "subtitle"

    def handle_endtag(self, tag):
        if tag in ("title", "span"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            setattr(self, self._in, getattr(self, self._in) + data)


def describe(page: Path) -> tuple[str, str]:
    """(title, subtitle) of one page; the file name when it has no title."""
    parser = _Heading()
    try:
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return page.name, ""
    return " ".join(parser.title.split()) or page.name, " ".join(parser.subtitle.split())


_ORDER = ("charts", "graph", "career-ladder", "path-", "focus-")


def _rank(name: str) -> tuple[int, str]:
    return next((k for k, prefix in enumerate(_ORDER) if name.startswith(prefix)), len(_ORDER)), name


def write_index(folder: Path) -> Path:
    """Write ``folder/index.html`` linking every other ``.html`` page in ``folder``."""
    import jinja2

    folder = Path(folder)
    pages = sorted((p for p in folder.glob("*.html") if p.name != INDEX), key=lambda p: _rank(p.name))
    entries = [{"href": p.name, "title": t, "subtitle": s} for p in pages for t, s in [describe(p)]]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent.parent / "templates")),
                             autoescape=True, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True)
    html = env.get_template("index.html").render(pages=entries)
    target = folder / INDEX
    atomic_write(target, html.encode("utf-8"))
    return target
