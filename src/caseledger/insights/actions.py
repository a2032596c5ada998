"""The journal actions insights writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying). The corrective
actions themselves are read in `capa_queries.py`."""

from enum import StrEnum


class InsightsAction(StrEnum):
    CAPA_OPEN = "capa.open"
    CAPA_UPDATE = "capa.update"
    CAPA_CLOSE = "capa.close"
    CAPA_REMIND = "capa.remind"
    REVIEW_GENERATE = "review.generate"
    REVIEW_SIGN = "review.sign"
    REVIEW_SUBSCRIBE = "review.subscribe"
    REVIEW_UNSUBSCRIBE = "review.unsubscribe"
    REVIEW_MAIL = "review.mail"
    EXPORT = "insights.export"
