"""The refusal a legal hold causes: defined in `caseledger.holds.errors`, re-exported."""

from caseledger.holds.errors import Held

__all__ = ["Held"]
