"""`caseledger serve` picks its workers from the cores it may use."""

from __future__ import annotations

from caseledger.cli.webserver import serving_model, usable_cores


def test_one_worker_per_core_with_at_least_two_and_eight_threads_each():
    assert serving_model(1) == (2, 8)
    assert serving_model(2) == (2, 8)
    assert serving_model(8) == (8, 8)


def test_the_default_follows_the_cores_this_process_may_use():
    assert serving_model() == serving_model(usable_cores())
    assert usable_cores() >= 1
