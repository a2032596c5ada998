"""An attacker who can write into Redis cannot make the web server run code through the
rate-limit cache: its values are counters, read back without unpickling."""

from __future__ import annotations

import pickle
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from caseledger.settings.base import ratelimit_cache
from tests.core.planted import Planted

URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def cache():
    # The rate limits' cache as a deployment with CASELEDGER_REDIS_URL configures it.
    config = ratelimit_cache(URL)
    prefix = f"t-{uuid.uuid4().hex}"
    made = RedisCache(config["LOCATION"], {**config, "KEY_PREFIX": prefix})
    yield made
    client = redis.Redis.from_url(URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_a_pickle_written_into_redis_is_never_unpickled(cache, tmp_path):
    marker = tmp_path / "ran"
    redis.Redis.from_url(URL).set(cache.make_key("rl:form"), pickle.dumps(Planted(marker)))

    assert cache.get("rl:form") is None
    assert cache.get_many(["rl:form"]) == {"rl:form": None}
    assert not marker.exists()


def test_the_counters_count(cache):
    assert cache.add("rl:address", 0, 60) is True
    assert cache.incr("rl:address") == 1 and cache.incr("rl:address") == 2
    assert cache.get("rl:address") == 2
    with pytest.raises(TypeError):
        cache.set("rl:other", {"not": "a counter"})
