"""The refusal a legal hold causes. A Conflict (409) so every caller that already handles
conflicts refuses too; its own code and a message naming the matter, so people know whom
to ask."""

from __future__ import annotations

from caseledger.core.errors import Conflict


class Held(Conflict):
    code = "held"
