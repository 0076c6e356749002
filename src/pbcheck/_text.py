r"""Characters that must not reach an output unseen: one rule for every text.

A leaf beside :mod:`pbcheck._exact_text`, with no import of the library: the
model's constructors ask :func:`unsafe_character` and turn its answer into
their own error (naming the field), and the reports pass free text through
:func:`visible` before writing it.

Refused, in ids, names, titles and reasons alike:

- control characters (U+0000–U+001F, U+007F–U+009F): they forge lines in
  a circular, move the terminal's cursor, and make an ``.xlsx`` unwritable;
- lone surrogates (U+D800–U+DFFF): they cannot be encoded as UTF-8, so a
  file holding one could be validated but never written;
- bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
  U+2066–U+2069): they make a name read differently from what it is;
- zero-width and other invisible format characters (U+200B–U+200D, U+2060–
  U+2064, U+FEFF, U+00AD, U+180E, U+FFF9–U+FFFB), line and paragraph
  separators (U+2028, U+2029) and the noncharacters U+FFFE and U+FFFF: two
  names that look the same must be the same name.

Free text (notes, evidence titles) may also hold line breaks and tabs
(``\n``, ``\r\n``, ``\t``); everything else above is refused there too.
"""

from __future__ import annotations

import re

__all__ = ["unsafe_character", "visible"]

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\ufff9-\ufffb"
_SEPARATORS = "\u2028\u2029"
_NONCHARACTERS = "\ufffe\uffff"
_SURROGATES = "\ud800-\udfff"
_REST = _BIDI + _INVISIBLE + _SEPARATORS + _NONCHARACTERS + _SURROGATES

# One class each: a single regex search is the fast path for the many
# thousand ids and names a season holds, almost all of them clean.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_REST}]")
# Free text: tab and LF are kept, CR only as part of CRLF.
_UNSAFE_FREE = re.compile(f"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f{_REST}]|\r(?!\n)")

# Checked in order: the first class that holds the character names it.
_KINDS = (
    (re.compile("[\x00-\x1f\x7f-\x9f]"), "a control character"),
    (re.compile(f"[{_SURROGATES}]"), "a lone surrogate"),
    (re.compile(f"[{_BIDI}]"), "a bidirectional control"),
    (re.compile(f"[{_SEPARATORS}]"), "a line separator"),
    (re.compile(f"[{_NONCHARACTERS}]"), "a noncharacter"),
    (re.compile("[\u200b-\u200d\ufeff]"), "a zero-width character"),
)


def _kind(char: str) -> str:
    for pattern, kind in _KINDS:
        if pattern.match(char):
            return kind
    return "an invisible format character"


def unsafe_character(text: str, *, line_breaks: bool = False) -> str | None:
    r"""Describe the first character of *text* that is refused, or None.

    Args:
        text: an id, a name, a title, a reason or a note.
        line_breaks: True for free text (notes, evidence titles), which may
            hold ``\n``, ``\r\n`` and ``\t``.

    Returns:
        ``"contains U+0001 (a control character)"`` and the like, ready to be
        a problem's message, or None when every character may stay.

    >>> unsafe_character("第一党支部")
    >>> unsafe_character("第一\x01党支部")
    'contains U+0001 (a control character)'
    >>> unsafe_character("甲\u202e乙")
    'contains U+202E (a bidirectional control)'
    >>> unsafe_character("第一行\n第二行", line_breaks=True)
    >>> unsafe_character("第一行\n第二行")
    'contains U+000A (a control character)'
    """
    # Every refused character is unprintable (Cc, Cf, Cs, Zl, Zp, Cn), so the
    # check costs one C-level scan for the clean text that nearly all is.
    if text.isprintable():
        return None
    found = (_UNSAFE_FREE if line_breaks else _UNSAFE).search(text)
    if found is None:
        return None
    char = found.group()[0]
    return f"contains U+{ord(char):04X} ({_kind(char)})"


def visible(text: str, *, line_breaks: bool = False) -> str:
    r"""*text* with each refused character written as ``\uXXXX``.

    For outputs: text that came from elsewhere than a validated model (or
    free text whose line breaks a one-line output cannot keep) is shown as
    it is, never acted on by a terminal, a spreadsheet or a reader.

    Args:
        text: any text.
        line_breaks: keep ``\n``, ``\r\n`` and ``\t`` (for outputs that can
            show them).

    >>> visible("甲\x1b[31m乙")
    '甲\\u001b[31m乙'
    >>> visible("一\n二"), visible("一\n二", line_breaks=True)
    ('一\\u000a二', '一\n二')
    """
    pattern = _UNSAFE_FREE if line_breaks else _UNSAFE
    if text.isprintable() or pattern.search(text) is None:
        return text
    return pattern.sub(lambda m: f"\\u{ord(m.group()[0]):04x}", text)
