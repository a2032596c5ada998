"""The journal actions of search: saved searches (the index itself is derived, unjournaled)."""

from enum import StrEnum


class SearchAction(StrEnum):
    SAVED_SEARCH_CREATE = "saved_search.create"
    SAVED_SEARCH_DELETE = "saved_search.delete"
    SAVED_SEARCH_REASSIGN = "saved_search.reassign"
