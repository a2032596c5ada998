"""What an attacker plants where the servers unpickle: a pickle that runs code when it is
loaded (here it only creates a file, so a test can see that it ran)."""

from __future__ import annotations

from pathlib import Path


class Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (self.marker.touch, ())
