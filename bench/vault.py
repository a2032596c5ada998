"""How fast the vault encrypts and rotates: encrypt + blind index per field kind against raw
AES-GCM in the same run, and `caseledger keys rotate` over a million customers.

    .venv/bin/python bench/vault.py [--quick] [--customers N] [--batch-size N] [--keep]

The customers (one phone each; every one a resident ID and a bank card, every fourth a
passport, every tenth a health note) are written straight into the tables in bulk, each
with a `customer.create` journal entry holding exactly its `customer_state`, so the
rotation works on data indistinguishable from what the services make. Afterwards
`journal verify` must pass and sampled customers must equal their journal reconstruction.

Judged by: rotation of 1,000,000 customers < 5 min (300 s); ratios to raw AES-GCM
(encrypt for the field figures, decrypt + encrypt for rotation). The machine may be shared:
the load average is printed with the figures.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

TARGET_SECONDS = 300
KINDS = ("resident_id", "bank_card", "passport", "health")
HEALTH_NOTES = ("高血压，需定期复查", "二型糖尿病", "对青霉素过敏", "孕期，产检中", "术后康复期")


def child_cpu() -> float:
    """CPU seconds (user + system) used by the finished child processes so far: what the
    rotation itself cost, whatever else the shared machine was doing."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---- valid synthetic values ---------------------------------------------------------------


def resident_id(rng: random.Random) -> str:
    from caseledger.vault.validators import resident_id_check_char

    birth = f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = (
        f"{rng.choice(('110105', '310104', '440305', '510107'))}{birth}{rng.randint(0, 999):03d}"
    )
    return first17 + resident_id_check_char(first17)


def bank_card(rng: random.Random) -> str:
    from caseledger.vault.validators import luhn_check_digit

    payload = f"6222{rng.randint(0, 10**11 - 1):011d}"
    return payload + luhn_check_digit(payload)


def passport(rng: random.Random) -> str:
    return f"E{rng.randint(0, 10**8 - 1):08d}"


def health(rng: random.Random) -> str:
    return f"{rng.choice(HEALTH_NOTES)}（{rng.randint(2015, 2026)}年）"


MAKE = {"resident_id": resident_id, "bank_card": bank_card, "passport": passport, "health": health}


def kinds_of(n: int) -> tuple[str, ...]:
    return (
        "resident_id",
        "bank_card",
        *(("passport",) if n % 4 == 0 else ()),
        *(("health",) if n % 10 == 0 else ()),
    )


# ---- (1) encrypt + blind index per field, against raw AES-GCM -----------------------------


def field_throughput(count: int) -> tuple[list[common.Result], list[tuple[str, float]]]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from caseledger.customers.services import IDENTIFIER_RECORD
    from caseledger.vault import crypto
    from caseledger.vault.keys import load

    rng = random.Random(5)
    aesgcm = AESGCM(load().key(load().active_id))
    results, ratios = [], []
    for kind in KINDS:
        values = [MAKE[kind](rng) for _ in range(count)]
        owners = [f"customer:{i}" for i in range(count)]
        encoded = [v.encode() for v in values]
        aad = b"caseledger-vault\x00v1\x00k\x00customer.identifier\x00" + kind.encode()
        # As the services call it: the key ring comes from vault.keys.load() on every call.
        with common.timer() as vault_t:
            for value, owner in zip(values, owners, strict=True):
                crypto.encrypt(value, record=IDENTIFIER_RECORD, field=kind, owner=owner)
                crypto.blind_index(value, record=IDENTIFIER_RECORD, field=kind)
        urandom = os.urandom
        encrypt = aesgcm.encrypt
        with common.timer() as raw_t:
            for data in encoded:
                encrypt(urandom(12), data, aad)
        vault_rate, raw_rate = count / vault_t[0], count / raw_t[0]
        results.append(common.Result(f"{kind}: encrypt + blind index", vault_rate, "values/s"))
        results.append(common.Result(f"{kind}: raw AESGCM.encrypt", raw_rate, "values/s"))
        ratios.append((f"{kind} vault / raw AES-GCM", vault_rate / raw_rate))
    return results, ratios


# ---- (2) a million customers with identifiers, written in bulk ----------------------------


def _check_columns(model, expected: set[str]) -> list[str]:
    columns = [f.column for f in model._meta.concrete_fields]
    if set(columns) != expected or any(f.attname != f.column for f in model._meta.concrete_fields):
        sys.exit(f"{model.__name__} fields changed ({sorted(columns)}); update bench/vault.py")
    return columns


def make_customers(total: int, batch_size: int = 5000) -> int:
    """`total` customers with a phone and identifiers; returns the number of values."""
    from django.db import connection

    from caseledger.accounts.services import department_create
    from caseledger.core import clock
    from caseledger.core.state import plain
    from caseledger.customers.models import ContactPoint, Customer, Identifier
    from caseledger.customers.services import IDENTIFIER_RECORD
    from caseledger.journal import bulk
    from caseledger.journal.bulk import next_id as _next_id
    from caseledger.journal.bulk import sync_sequences as _sync_sequences
    from caseledger.journal.canonical import format_time
    from caseledger.journal.services import write_transaction
    from caseledger.vault import crypto
    from caseledger.vault.keys import load
    from caseledger.vault.masking import mask_identifier

    bulk.check_schema()
    customer_cols = _check_columns(
        Customer,
        {
            "id", "kind", "name", "department_id", "relationship_status",
            "relationship_ended_on", "tags", "created_at", "updated_at", "version",
            "restricted_at", "restricted_reason", "merged_into_id", "merged_at",
        },
    )  # fmt: skip
    contact_cols = _check_columns(
        ContactPoint,
        {"id", "customer_id", "kind", "value", "label", "is_primary", "verified_at", "created_at"},
    )
    identifier_cols = _check_columns(
        Identifier,
        {
            "id",
            "customer_id",
            "kind",
            "ciphertext",
            "key_id",
            "blind_index",
            "masked",
            "created_at",
        },
    )
    department = department_create(actor=None, code="bench", name="基准 Bench")
    ring = load()
    rng = random.Random(1)
    surnames, given = "王李张刘陈杨黄赵吴周", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    values = made = 0
    while made < total:
        n = min(batch_size, total - made)
        with write_transaction():
            at = clock.now()
            at_db, at_text = bulk.db_time(at), format_time(at)
            customer_id, contact_id = _next_id(Customer), _next_id(ContactPoint)
            identifier_id = _next_id(Identifier)
            customers, contacts, identifiers, items = [], [], [], []
            for i in range(made, made + n):
                name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
                state = {
                    "id": customer_id, "kind": "person", "name": name,
                    "department_id": department.pk, "relationship_status": "active",
                    "relationship_ended_on": None, "tags": [], "created_at": at_text,
                    "updated_at": at_text, "version": 1, "restricted_at": None,
                    "restricted_reason": "", "merged_into_id": None, "merged_at": None,
                }  # fmt: skip
                row = {**state, "tags": "[]", "created_at": at_db, "updated_at": at_db}
                customers.append([row[c] for c in customer_cols])
                phone = {
                    "id": contact_id, "customer_id": customer_id, "kind": "phone",
                    "value": f"+86139{rng.randint(0, 10**8 - 1):08d}", "label": "",
                    "is_primary": True, "verified_at": None, "created_at": at_text,
                }  # fmt: skip
                contacts.append([phone[c] if c != "created_at" else at_db for c in contact_cols])
                state["contact_points"] = [phone]
                state["identifiers"] = []
                owner = f"customer:{customer_id}"
                for kind in kinds_of(i):
                    value = MAKE[kind](rng)
                    ciphertext = crypto.encrypt(
                        value, record=IDENTIFIER_RECORD, field=kind, owner=owner, ring=ring
                    )
                    identifier = {
                        "id": identifier_id, "customer_id": customer_id, "kind": kind,
                        "ciphertext": ciphertext, "key_id": ring.active_id,
                        "blind_index": crypto.blind_index(
                            value, record=IDENTIFIER_RECORD, field=kind, ring=ring
                        ),
                        "masked": mask_identifier(kind, value), "created_at": at_text,
                    }  # fmt: skip
                    identifiers.append(
                        [identifier[c] if c != "created_at" else at_db for c in identifier_cols]
                    )
                    state["identifiers"].append(identifier)
                    identifier_id += 1
                body = bulk.create_body(plain(state))
                key = str(customer_id)
                items.append(("customer.create", "customer", key, f"customer:{key}", body))
                customer_id += 1
                contact_id += 1
            bulk.insert_rows(Customer, customer_cols, customers)
            bulk.insert_rows(ContactPoint, contact_cols, contacts)
            bulk.insert_rows(Identifier, identifier_cols, identifiers)
            _sync_sequences(Customer, ContactPoint, Identifier)
            bulk.append_rendered(items)
        made += n
        values += len(identifiers)
        print(f"\r  made {made:,} customers", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("ANALYZE")
    return values


def check_sample(size: int = 300) -> None:
    """Sampled customers equal their reconstruction from the journal."""
    from caseledger.customers.models import Customer
    from caseledger.customers.services import customer_state
    from caseledger.journal.queries import state_as_of

    ids = list(Customer.objects.values_list("pk", flat=True))
    for pk in random.Random(7).sample(ids, min(size, len(ids))):
        customer = Customer.objects.get(pk=pk)
        if state_as_of("customer", str(pk)) != customer_state(customer):
            sys.exit(f"customer {pk} differs from its reconstruction from the journal")


def raw_rotation_rate(sample: int) -> float:
    """Values/s of raw AES-GCM decrypt (old key) + encrypt (new key) over stored values."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from caseledger.customers.models import Identifier
    from caseledger.vault import crypto
    from caseledger.vault.keys import load

    ring = load()
    rows = list(
        Identifier.objects.values_list("ciphertext", "kind", "customer_id").order_by("id")[:sample]
    )
    sealed = []
    for token, kind, customer_id in rows:
        _, key_id, body = token.split(":")
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        aad = crypto._aad(key_id, "customer.identifier", kind, f"customer:{customer_id}")
        sealed.append((raw[:12], raw[12:], aad))
    key_id = crypto.key_id_of(rows[0][0])
    old, new = AESGCM(ring.key(key_id)), AESGCM(ring.key(ring.active_id))
    decrypt, encrypt, urandom = old.decrypt, new.encrypt, os.urandom
    with common.timer() as t:
        for nonce, data, aad in sealed:
            encrypt(urandom(12), decrypt(nonce, data, aad), aad)
    return len(sealed) / t[0]


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, help="customers to rotate (default 1,000,000)")
    p.add_argument("--batch-size", type=int, default=500, help="keys rotate --batch-size")
    p.add_argument("--reuse", metavar="DATA_DIR", help="rotate the customers of a kept run again")
    args = p.parse_args()
    customers = args.customers or (20_000 if args.quick else 1_000_000)
    per_field = 20_000 if args.quick else 100_000
    print(f"start: {load_average()}")
    with common.data_dir("vault", keep=args.keep, reuse=args.reuse):
        if not args.reuse:
            common.caseledger("migrate", "--no-input")
        common.django_setup()
        from django.db import connections

        from caseledger.customers.models import Identifier

        field_results, field_ratios = field_throughput(per_field)
        if args.reuse:
            values = Identifier.objects.count()
            customers = Identifier.objects.values("customer_id").distinct().count()
        else:
            with common.timer() as made:
                values = make_customers(customers)
            print(f"{customers:,} customers with {values:,} values made in {made[0]:.0f}s")
        check_sample()
        connections.close_all()
        common.caseledger("keys", "add")
        print(f"before rotation: {load_average()}")
        cpu_before = child_cpu()
        with common.timer() as rotated:
            out = common.caseledger(
                "keys", "rotate", "--json", "--batch-size", str(args.batch_size)
            )
        rotation_cpu = child_cpu() - cpu_before
        load_during = load_average()
        result = json.loads(out)
        if result["remaining"] or result["values"] != values:
            sys.exit(f"rotation left values behind: {result}")
        with common.timer() as verified:
            report = json.loads(common.caseledger("journal", "verify", "--json"))
        if not report["ok"]:
            sys.exit(f"journal does not verify after rotation: {report['problems'][:3]}")
        check_sample()
        raw = raw_rotation_rate(min(values, 200_000))
        connections.close_all()
    seconds = rotated[0]
    scale = f" (scaled to 1M: {seconds * 1_000_000 / customers:,.0f}s)" if customers != 1e6 else ""
    print(f"after rotation: {load_during}{scale}")
    common.report(
        f"vault ({per_field:,} values per field; rotation of {customers:,} customers, "
        f"{values:,} values, batch {args.batch_size}; {load_during})",
        [
            *field_results,
            common.Result(
                f"keys rotate, {customers:,} customers",
                seconds,
                "s",
                f"< {TARGET_SECONDS} s",
                seconds < TARGET_SECONDS if customers >= 1_000_000 else None,
            ),
            common.Result("keys rotate, CPU time (user + sys)", rotation_cpu, "s"),
            common.Result("keys rotate", customers / seconds, "customers/s"),
            common.Result("keys rotate", values / seconds, "values/s"),
            common.Result("raw AES-GCM decrypt + encrypt", raw, "values/s"),
            common.Result(f"journal verify, {report['entries']:,} entries", verified[0], "s"),
        ],
        [
            *field_ratios,
            ("rotation / raw AES-GCM decrypt + encrypt", values / seconds / raw),
            ("rotation CPU time / wall time", rotation_cpu / seconds),
        ],
    )


if __name__ == "__main__":
    main()
