"""Subject and description text pools, built once per (industry, category, subcategory,
language) with their JSON encodings precomputed.
"""

from __future__ import annotations

import random

from caseledger.demo import texts
from caseledger.journal.bulk import encode_str


def pair(text: str) -> tuple[str, str]:
    return text, encode_str(text)


class Pools:
    """Subjects and descriptions per (industry, category, subcategory, language).

    Each pool has its own random stream seeded by its key, so its content does not depend on
    the order in which pools are first needed.
    """

    SIZE = 40

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._pools: dict[tuple, list[tuple]] = {}
        self.requests = {
            c: (list(map(pair, zh)), list(map(pair, en))) for c, (zh, en) in texts.REQUESTS.items()
        }
        self.resolutions = {
            c: (list(map(pair, zh)), list(map(pair, en)))
            for c, (zh, en) in texts.RESOLUTIONS.items()
        }
        self.root_causes = {
            c: (list(map(pair, zh)), list(map(pair, en)))
            for c, (zh, en) in texts.ROOT_CAUSES.items()
        }
        self.notes = list(map(pair, texts.NOTES))

    def get(self, industry: str, category: str, sub: str, lang: int) -> list[tuple]:
        """(subject, its JSON, description, its JSON) variants."""
        key = (industry, category, sub, lang)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = self._build(*key)
        return pool

    def _build(self, industry: str, category: str, sub: str, lang: int) -> list[tuple]:
        rng = random.Random(f"{self.seed}:{industry}:{category}:{sub}:{lang}")
        zh_subjects, en_subjects, zh_detail, en_detail = texts.ISSUES[(category, sub)]
        products = texts.INDUSTRIES[industry][2]
        pool = []
        for _ in range(self.SIZE):
            product = rng.choice(products)[lang]
            template = rng.choice(en_subjects if lang else zh_subjects)
            subject = template.format(
                p=product,
                a=rng.choice(texts.AMOUNTS),
                d=rng.choice(texts.DAYS),
                m=rng.choice(texts.MINUTES),
            )
            if lang:
                subject = subject[0].upper() + subject[1:]
                history = rng.choice(texts.HISTORY_EN).format(n=rng.randint(2, 5))
                text = f"{rng.choice(texts.OPENERS_EN)}{subject}. {en_detail} {history}".strip()
            else:
                history = rng.choice(texts.HISTORY_ZH).format(n=rng.randint(2, 5))
                text = f"{rng.choice(texts.OPENERS_ZH)}{subject}。{zh_detail}{history}"
            pool.append((*pair(subject), *pair(text)))
        return pool
