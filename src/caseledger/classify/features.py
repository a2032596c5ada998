"""What the classifier reads of a case, and the character n-grams it learns from.

Text is normalised as the search index does it (`search.tokens`: NFKC, lower case) and cut
into the same segments. A run of CJK characters gives its character 1-, 2- and 3-grams (no
segmenter: what a segmenter would cut differently is not lost); a word of any other script
stays whole. Numbers that are personal identifiers by their form (mobiles, resident IDs,
bank cards) are dropped, as the index drops them. Only fields the index may hold are read:
a field marked sensitive is never learned from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from caseledger.search.indexer import indexed
from caseledger.search.tokens import is_personal_number, segments

TEXT_FIELDS = ("subject", "description", "customer_request")
NGRAMS = (1, 2, 3)


def case_text(row: Mapping[str, Any]) -> str:
    """The text of a case (a row of values or a Case's __dict__) the classifier reads."""
    return "\n".join(str(row.get(name) or "") for name in TEXT_FIELDS if indexed(f"case.{name}"))


def analyse(text: str) -> list[str]:
    """The terms of one text: CJK character n-grams and whole words, in order."""
    out: list[str] = []
    for cjk, part in segments(text):
        if cjk:
            for n in NGRAMS:
                out.extend(part[i : i + n] for i in range(len(part) - n + 1))
        elif not (len(part) >= 11 and part[:11].isdigit() and is_personal_number(part)):
            out.append(part)
    return out


def texts(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return [case_text(row) for row in rows]
