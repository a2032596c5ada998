"""Field encryption and blind indexes: what a careless or hostile change to the stored
values runs into."""

from __future__ import annotations

import json
import os
import stat

import pytest

from caseledger.vault import crypto, keys

WHERE = {"record": "customer.identifier", "field": "resident_id", "owner": "customer:7"}


def test_a_value_decrypts_to_itself_and_names_its_key():
    token = crypto.encrypt("11010519491231002X", **WHERE)
    assert token.startswith(f"v1:{keys.load().active_id}:")
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token, **WHERE) == "11010519491231002X"


def test_the_same_value_encrypts_differently_each_time_but_indexes_alike():
    assert crypto.encrypt("张三", **WHERE) != crypto.encrypt("张三", **WHERE)
    index = crypto.blind_index("X1", record="customer.identifier", field="passport")
    assert index == crypto.blind_index("X1", record="customer.identifier", field="passport")
    assert index != crypto.blind_index("X1", record="customer.identifier", field="other")


def test_a_tampered_ciphertext_is_refused():
    token = crypto.encrypt("11010519491231002X", **WHERE)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(crypto.DecryptionRefused, match="altered"):
        crypto.decrypt(flipped, **WHERE)
    with pytest.raises(crypto.DecryptionRefused, match="truncated"):
        crypto.decrypt(token[:20], **WHERE)
    with pytest.raises(crypto.DecryptionRefused, match="not a vault value"):
        crypto.decrypt("11010519491231002X", **WHERE)


def test_a_ciphertext_moved_to_another_field_or_customer_is_refused():
    token = crypto.encrypt("11010519491231002X", **WHERE)
    with pytest.raises(crypto.DecryptionRefused, match="copied"):
        crypto.decrypt(token, **{**WHERE, "field": "passport"})
    with pytest.raises(crypto.DecryptionRefused, match="copied"):
        crypto.decrypt(token, **{**WHERE, "owner": "customer:8"})


def test_errors_never_carry_the_value_or_the_key():
    token = crypto.encrypt("11010519491231002X", **WHERE)
    ring = keys.load()
    with pytest.raises(crypto.DecryptionRefused) as refused:
        crypto.decrypt(token, **{**WHERE, "field": "passport"})
    assert "11010519491231002X" not in str(refused.value)
    assert "secret" not in repr(ring) and str(ring.keys[ring.active_id]) not in repr(ring)


def test_the_key_file_is_created_once_owner_only(settings):
    ring = keys.load()
    path = settings.VAULT_KEYS_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert keys.load().active_id == ring.active_id
    data = json.loads(path.read_text())
    assert data["active"] == ring.active_id and len(data["keys"]) == 1


def test_a_key_file_others_may_read_is_refused(settings):
    keys.load()
    os.chmod(settings.VAULT_KEYS_FILE, 0o644)
    with pytest.raises(keys.KeyRingError, match="chmod 600"):
        keys.load()


def test_keys_from_the_environment_take_precedence_and_cannot_be_added_to(monkeypatch):
    ring = keys.generate()
    monkeypatch.setenv(keys.ENV_KEYS, keys.dump(ring))
    assert keys.load().active_id == ring.active_id
    with pytest.raises(keys.KeyRingError, match="CASELEDGER_VAULT_KEYS"):
        keys.key_add()


def test_an_added_key_becomes_active_and_old_values_still_decrypt():
    old = crypto.encrypt("E12345678", **WHERE)
    first = keys.load().active_id
    ring = keys.key_add()
    assert ring.active_id != first and set(ring.keys) == {first, ring.active_id}
    assert crypto.decrypt(old, **WHERE) == "E12345678"
    assert crypto.key_id_of(crypto.reencrypt(old, **WHERE)) == ring.active_id


def test_a_value_under_a_lost_key_says_which_key_to_restore(settings):
    token = crypto.encrypt("E12345678", **WHERE)
    settings.VAULT_KEYS_FILE = settings.VAULT_KEYS_FILE.with_name("other.json")
    with pytest.raises(keys.KeyRingError, match=crypto.key_id_of(token)):
        crypto.decrypt(token, **WHERE)


def test_a_broken_key_ring_is_explained(monkeypatch):
    monkeypatch.setenv(
        keys.ENV_KEYS,
        '{"active": "a", "keys": [{"id": "a", "secret": "c2hvcnQ="}], "index_key": ""}',
    )
    with pytest.raises(keys.KeyRingError, match="not 32 bytes"):
        keys.load()
