"""The values of the rate-limit cache in Redis: counters, and nothing that unpickles.

Django's Redis cache stores an integer as itself and unpickles anything else it reads back,
and unpickling runs whatever the pickle names: a value written into Redis by someone who
can reach it (but not the servers) would run code in the web server on the next request
the rate limits count. django-ratelimit keeps integers only, so this serializer keeps
integers only: anything else read back is treated as absent (the limit counts afresh)."""

from __future__ import annotations

from typing import Any


class CountersOnly:
    def dumps(self, value: Any) -> int:
        if type(value) is not int:  # bool is an int subclass; it is no counter
            raise TypeError("the rate-limit cache keeps integer counters only")
        return value

    def loads(self, data: Any) -> int | None:
        try:
            return int(data)
        except (TypeError, ValueError):
            return None
