"""Encrypting one field value. Dangerous module: a mistake here leaks or loses data.

Guarantees:
- AES-256-GCM with a fresh 96-bit random nonce per value; the stored form is
  `v1:<key id>:<base64url(nonce + ciphertext + tag)>`, so every value names its key.
- The associated data binds a value to its record kind, field and owner record
  (`customer.identifier`, `resident_id`, `customer:42`) and to its key id: a ciphertext
  copied to another field or another customer, or edited, is refused on decryption.
- Blind indexes are HMAC-SHA256 under a key of their own, over the field and the
  normalized value: equal values give equal indexes, and nothing is learned without the key.
- Neither plaintext nor keys are put in any exception message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from caseledger.core.errors import CaseledgerError
from caseledger.vault.keys import KeyRing, load

VERSION = "v1"
NONCE_BYTES = 12


class DecryptionRefused(CaseledgerError):
    code = "vault_integrity"
    http_status = 500


def _aad(key_id: str, record: str, field: str, owner: str) -> bytes:
    return "\x00".join(("caseledger-vault", VERSION, key_id, record, field, owner)).encode()


def encrypt(
    plaintext: str, *, record: str, field: str, owner: str, ring: KeyRing | None = None
) -> str:
    ring = ring or load()
    key_id = ring.active_id
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.key(key_id)).encrypt(
        nonce, plaintext.encode("utf-8"), _aad(key_id, record, field, owner)
    )
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{VERSION}:{key_id}:{body}"


def key_id_of(token: str) -> str:
    return _split(token, "?", "?")[1]


def _split(token: str, record: str, field: str) -> tuple[str, str, str]:
    parts = token.split(":")
    if len(parts) != 3 or parts[0] != VERSION or not parts[1]:
        raise DecryptionRefused(
            _("the stored %(field)s is not a vault value (expected %(version)s:key:data)")
            % {"field": f"{record}.{field}", "version": VERSION}
        )
    return parts[0], parts[1], parts[2]


def decrypt(token: str, *, record: str, field: str, owner: str, ring: KeyRing | None = None) -> str:
    ring = ring or load()
    _version, key_id, body = _split(token, record, field)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raw = b""
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionRefused(
            _("the stored %(field)s of %(owner)s is truncated")
            % {"field": f"{record}.{field}", "owner": owner}
        )
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = AESGCM(ring.key(key_id)).decrypt(nonce, sealed, _aad(key_id, record, field, owner))
    except InvalidTag:
        raise DecryptionRefused(
            _(
                "the stored %(field)s of %(owner)s does not decrypt under key %(key)s: it "
                "was altered, or copied from another field or record"
            )
            % {"field": f"{record}.{field}", "owner": owner, "key": key_id}
        ) from None
    return plain.decode("utf-8")


def reencrypt(
    token: str, *, record: str, field: str, owner: str, ring: KeyRing | None = None
) -> str:
    """The same value under the active key (rotation), decrypted again before it is
    returned: a rotation never writes what will not read. Nothing leaves this function."""
    ring = ring or load()
    where = {"record": record, "field": field, "owner": owner}
    plaintext = decrypt(token, ring=ring, **where)
    fresh = encrypt(plaintext, ring=ring, **where)
    if decrypt(fresh, ring=ring, **where) != plaintext:
        raise DecryptionRefused(_("re-encryption of %(owner)s did not verify") % {"owner": owner})
    return fresh


def rebound(
    token: str,
    *,
    record: str,
    field: str,
    owner: str,
    new_owner: str,
    ring: KeyRing | None = None,
) -> str:
    """The same value bound to another owner record (a customer merge moves it there): the
    old ciphertext would not decrypt under the new owner. Nothing leaves this function."""
    ring = ring or load()
    plaintext = decrypt(token, ring=ring, record=record, field=field, owner=owner)
    return encrypt(plaintext, ring=ring, record=record, field=field, owner=new_owner)


def blind_index(normalized: str, *, record: str, field: str, ring: KeyRing | None = None) -> str:
    ring = ring or load()
    message = "\x00".join(("caseledger-index", VERSION, record, field, normalized)).encode()
    return hmac.new(ring.index_key, message, hashlib.sha256).hexdigest()
