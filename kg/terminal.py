"""Text from the graph made safe to print on a terminal.

Labels come from users' ``--with`` files and from remote endpoints. Printed raw, an ESC
sequence can clear the screen, OSC 0 set the window title, OSC 52 write the clipboard and
OSC 8 disguise a link; a bidirectional override (U+202E and its kin) reorders what follows
it on screen, and U+2028 / U+2029 break a line where a terminal or an editor shows them, so
a label could forge a row. Human-readable output (tables, Markdown, ``describe``, path text,
error messages) therefore shows every control character (C0, DEL, C1), bidi control and
Unicode line or paragraph separator as a visible escape such as ``\\x1b`` or ``\\u202e``;
machine formats (CSV, TSV, JSON, XML, RDF) keep the data exact.

>>> escape("a\\x1b[2Jb")
'a\\\\x1b[2Jb'
>>> clip("\\x1b[31mred", 5)
'\\\\x1b…'
"""

from __future__ import annotations

import re

#: bidi marks, embeddings, overrides and isolates (Unicode's Bidi_Control property) and the
#: line and paragraph separators
_UNICODE = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_UNICODE}]")
_CONTROL_NOT_NEWLINE = re.compile(f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{_UNICODE}]")
_SHORT = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}


def _visible(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape(text: str, keep_newlines: bool = False) -> str:
    """``text`` with each control character shown as ``\\xNN`` (``\\t``, ``\\r``, ``\\n``), each
    bidi control and line or paragraph separator as ``\\uNNNN``.

    ``keep_newlines`` leaves line feeds alone, for multi-line text rendered by this program.
    """
    pattern = _CONTROL_NOT_NEWLINE if keep_newlines else _CONTROL
    return pattern.sub(_visible, text)


def clip(text: str, width: int) -> str:
    """``text`` escaped and cut to ``width`` characters with '…', never inside an escape."""
    shown = escape(text)
    if len(shown) <= width:
        return shown
    if shown == text:  # nothing escaped: no escape to keep whole
        return text[:max(width - 1, 0)] + "…"
    out, used = [], 0
    for char in text:
        piece = escape(char)
        if used + len(piece) > width - 1:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"
