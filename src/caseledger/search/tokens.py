"""Tokens of the full-text index, the same on every engine (docs/adr/0008-search-index.md).

A text is normalised (NFKC, then lower case) and cut into segments: runs of CJK characters
and words (letters and digits of any other script). A CJK run becomes its overlapping
bigrams followed by its last character on its own; a word stays whole. So `花呗退款abc`
is `花呗 呗退 退款 款 abc`. No segmenter is involved, so nothing a segmenter would cut
differently is lost: any run of one or more CJK characters in a text is a phrase of bigrams
(or, for one character, a prefix) of its tokens.

A query term is tokenised the same way and matched as one phrase:
- a CJK part of n >= 2 characters is the phrase of its bigrams; when more follows it in the
  term, its last character too (the text's run must end there);
- a CJK part of one character is a prefix token when it ends the term (it starts a bigram
  or is a run's last character), else that character exactly (a run ends there);
- a word is exact, except the term's last word, which is a prefix.
Terms separated by spaces must all match (AND); a term in double quotes is taken as typed.

Numbers that are personal identifiers by their form (mainland mobile numbers, resident ID
numbers with a valid check character, bank card numbers passing Luhn) are never indexed:
they are kept in the vault, encrypted, and found there by blind index, not here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from caseledger.vault.validators import luhn_ok, resident_id_check_char

_CJK = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf"  # CJK Extension A
    "\u4e00-\u9fff"  # CJK Unified Ideographs
    "\uf900-\ufaff"  # CJK Compatibility Ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0003134f"  # Extensions B to G
)
_SEGMENT = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
MAX_WORD = 64  # longer words are cut here, in texts and queries alike
# A term is matched as a phrase of at most this many tokens (PostgreSQL's chunks overlap
# by this many, so a phrase never falls between two chunks); a longer term is cut.
MAX_TERM_TOKENS = 32

_MOBILE = re.compile(r"1[3-9]\d{9}")
_RESIDENT_ID = re.compile(r"\d{17}[\dx]")
_CARD = re.compile(r"\d{15,19}")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> Iterator[tuple[bool, str]]:
    """(is_cjk, part) for each CJK run and word of the normalised text."""
    for match in _SEGMENT.finditer(normalise(text)):
        cjk, word = match.groups()
        yield (True, cjk) if cjk else (False, word[:MAX_WORD])


def is_personal_number(word: str) -> bool:
    """A word that is, by its form, a mobile, resident ID or bank card number."""
    if _MOBILE.fullmatch(word):
        return True
    if _RESIDENT_ID.fullmatch(word) and resident_id_check_char(word[:17]) == word[17].upper():
        return True
    return bool(_CARD.fullmatch(word) and luhn_ok(word))


def text_tokens(text: str) -> list[str]:
    """The tokens of one text, in order. (The rebuild's hot loop: kept plain.)"""
    out: list[str] = []
    append = out.append
    for cjk, word in _SEGMENT.findall(normalise(text)):
        if cjk:
            if len(cjk) > 1:
                out += map(str.__add__, cjk, cjk[1:])
            append(cjk[-1])
        elif not (len(word) >= 11 and word[:11].isdigit() and is_personal_number(word)):
            append(word[:MAX_WORD])
    return out


def document_tokens(texts: Iterable[str]) -> list[str]:
    """The tokens of several fields as one stream. A CJK run's last character stands
    between fields, so no phrase can match across the end of one field into the next
    except where a word ends one and starts the next, as in the text itself."""
    # One pass over the fields joined by a line break gives the same tokens as one pass
    # per field (a line break ends every run and word, and NFKC and lower casing change
    # nothing across it) at half the cost.
    return text_tokens("\n".join(text for text in texts if text))


@dataclass(frozen=True)
class Token:
    text: str
    prefix: bool = False
    # A prefix only these indexed words start with (SQLite, search/words.py): the engine
    # may ask for them one by one (the same matches) instead of merging by the prefix.
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    """Terms, each a phrase of tokens; a result matches every term."""

    terms: tuple[tuple[Token, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def term_tokens(term: str) -> tuple[Token, ...]:
    parts = list(segments(term))
    out: list[Token] = []
    for i, (cjk, part) in enumerate(parts):
        last = i == len(parts) - 1
        if not cjk or len(part) == 1:
            out.append(Token(part, prefix=last))
        else:
            out.extend(Token(part[j : j + 2]) for j in range(len(part) - 1))
            if not last:
                out.append(Token(part[-1]))
    if len(out) > MAX_TERM_TOKENS:
        out = [Token(t.text) for t in out[:MAX_TERM_TOKENS]]
    return tuple(out)


_QUOTED = re.compile(r'"([^"]*)"|(\S+)')


def parse(query: str) -> Query:
    """The query language of the web and the API: space-separated terms, all required;
    "double quotes" keep spaces inside one term."""
    terms: list[tuple[Token, ...]] = []
    for quoted, bare in _QUOTED.findall(query or ""):
        tokens = term_tokens(quoted or bare)
        if tokens and tokens not in terms:
            terms.append(tokens)
    return Query(terms=tuple(terms))


def highlight_terms(query: str) -> list[str]:
    """The normalised pieces to mark in a snippet: each term's CJK runs and words."""
    pieces: list[str] = []
    for quoted, bare in _QUOTED.findall(query or ""):
        pieces.extend(part for _, part in segments(quoted or bare))
    return sorted(set(pieces), key=len, reverse=True)


_CJK_START = re.compile(f"[{_CJK}]")


def is_word(token: str) -> bool:
    """A token of a word (not of a CJK run): by its first character, so a word prefix and
    every token it can match are alike."""
    return not _CJK_START.match(token)
