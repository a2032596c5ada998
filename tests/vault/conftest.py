"""Each vault test gets its own key file, and no key ring from the environment."""

from __future__ import annotations

import pytest

from caseledger.vault import keys


@pytest.fixture(autouse=True)
def _own_key_file(settings, tmp_path, monkeypatch):
    monkeypatch.delenv(keys.ENV_KEYS, raising=False)
    settings.VAULT_KEYS_FILE = tmp_path / "vault-keys" / "vault-keys.json"
    return settings.VAULT_KEYS_FILE
