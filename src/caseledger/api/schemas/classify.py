"""Classification suggestions: what the model suggests for a case (or a text being typed),
and a person accepting or correcting one field."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from caseledger.api.schemas.base import Strict, UtcTime

SuggestedField = Literal["category", "subcategory", "severity", "department"]


class AlternativeOut(Schema):
    value: str
    label: str
    confidence: float


class SuggestionOut(Schema):
    field: SuggestedField
    current: str = Field(description="the case's value now (a department by its id)")
    value: str = Field(description="the suggested value (a department by its id)")
    label: str = Field(description="the suggested value in words, in the reader's language")
    confidence: float = Field(description="the model's probability for the value, 0 to 1")
    differs: bool
    alternatives: list[AlternativeOut] = Field(description="the first three, best first")
    terms: list[str] = Field(
        description="the model's vocabulary terms that weighed most for the value (n-grams "
        "seen in at least two training cases, never a quote of the case)"
    )


class ModelOut(Schema):
    id: int
    trained_at: UtcTime
    cases: int
    accuracy: dict[str, float]


class SuggestionsOut(Schema):
    model: ModelOut
    items: list[SuggestionOut]


class SuggestTextIn(Strict):
    subject: str = Field(max_length=200)
    description: str = Field("", max_length=20000)


class SuggestionAcceptIn(Strict):
    field: SuggestedField


class SuggestionCorrectIn(Strict):
    field: SuggestedField
    value: str = Field(
        min_length=1, max_length=40, description="the right value (a department by its id)"
    )


class FeedbackOut(Schema):
    id: int
    field: str
    suggested: str
    chosen: str
    outcome: Literal["accepted", "corrected"]
