"""`caseledger keys status | add | rotate`: the vault's encryption keys."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.subcommands import VerbCommand


@contextlib.contextmanager
def _sqlite_bulk_session() -> Iterator[None]:
    """On SQLite, a bigger page cache and fewer WAL checkpoints for this connection while
    it rewrites every value (fewer page reads and checkpoint stalls); put back afterwards.
    Nothing persistent, nothing another connection sees, no fsync skipped."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    wanted = {"cache_size": -262_144, "wal_autocheckpoint": 10_000}  # 256 MiB, 40 MiB
    saved = {}
    with connection.cursor() as cursor:
        for name, value in wanted.items():
            cursor.execute(f"PRAGMA {name}")
            saved[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in saved.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


class Command(VerbCommand):
    help = "Show, add and rotate the vault keys that encrypt sensitive customer data."
    json_output = True
    verbs = {
        "status": "how many encrypted values are under each key, and which key is active",
        "add": "add a new key and make it active (old values keep their key until rotate)",
        "rotate": "re-encrypt every value still under an old key with the active key, in "
        "batches; safe to interrupt and run again",
    }

    def execute(self, *args: Any, **options: Any) -> Any:
        # Never two rotations, or an add during one; status may always look.
        self.lock_name = None if options.get("verb") == "status" else "vault-keys"
        return super().execute(*args, **options)

    def add_status_arguments(self, parser):
        pass

    def add_add_arguments(self, parser):
        pass

    def add_rotate_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="customers per transaction (default 500, at most 5000)",
        )
        parser.add_argument(
            "--max-batches",
            type=int,
            default=None,
            help="stop after this many batches (the rest waits for the next run)",
        )

    def handle_status(self, **options: Any) -> None:
        from caseledger.vault.holders import key_usage
        from caseledger.vault.keys import load

        ring = load()
        usage = key_usage()
        lines = [_("Key ring: %(source)s") % {"source": ring.source}]
        for u in usage:
            notes = [n for n, on in (("active", u.active), ("MISSING", not u.in_ring)) if on]
            suffix = f"  ({', '.join(notes)})" if notes else ""
            lines.append(f"  {u.key_id:<20} {u.values:>10} values  {u.created}{suffix}")
            for holder, n in u.by_holder.items():
                lines.append(f"  {'':<20} {n:>10} {holder}")
        old = sum(u.values for u in usage if not u.active)
        lines.append(
            _("%(count)s values under old keys; run `caseledger keys rotate`") % {"count": old}
            if old
            else _("Every value is under the active key.")
        )
        self.emit(
            {
                "source": ring.source,
                "active": ring.active_id,
                "keys": [dataclasses.asdict(u) for u in usage],
                "under_old_keys": old,
            },
            "\n".join(lines),
        )

    def handle_add(self, **options: Any) -> None:
        from caseledger.vault.keys import key_add

        ring = key_add()
        self.emit(
            {"active": ring.active_id, "keys": list(ring.keys), "source": ring.source},
            _("Added key %(key)s; it is now active (%(source)s).")
            % {"key": ring.active_id, "source": ring.source}
            + "\n"
            + _("Back up the key file now, then run `caseledger keys rotate`."),
        )

    def handle_rotate(self, **options: Any) -> None:
        from caseledger.vault.holders import holders, values_under_old_keys
        from caseledger.vault.keys import load

        batches = values = records = 0
        moved: dict[str, int] = {}
        by_holder: dict[str, int] = {}
        to_key = load().active_id
        fallback = False
        with _sqlite_bulk_session(), self.progress(values_under_old_keys(), "re-encrypting") as bar:
            for holder in holders():
                # Records are taken in id order; `after` is where the last batch stopped. A
                # value put under an old key behind that point meanwhile (a process still
                # holding the old key ring) is picked up by one more sweep from the start.
                after, sweeps = 0, 0
                while options["max_batches"] is None or batches < options["max_batches"]:
                    result = holder.rotate_batch(
                        actor=None, batch_size=options["batch_size"], after=after
                    )
                    if not result.records:
                        if after == 0 or sweeps:
                            break
                        after, sweeps = 0, 1
                        continue
                    after = result.last
                    batches += 1
                    values += result.values
                    records += result.records
                    by_holder[holder.name] = by_holder.get(holder.name, 0) + result.records
                    fallback = fallback or result.exact_fallback
                    for key_id, n in result.from_keys.items():
                        moved[key_id] = moved.get(key_id, 0) + n
                    bar.update(result.values)
        left = values_under_old_keys()
        if fallback:
            self.stderr.write(
                "Some batches were journaled through customer_state one customer at a time "
                "(correct, slower): the batched path needs updating, see the log."
            )
        self.emit(
            {
                "to_key": to_key,
                "batches": batches,
                "values": values,
                "customers": by_holder.get("customers", 0),
                "records": records,
                "by_holder": by_holder,
                "from_keys": moved,
                "remaining": left,
            },
            f"Re-encrypted {values} values of {records} records in {batches} batches "
            f"to key {to_key}"
            + (f" (from {', '.join(f'{k}: {n}' for k, n in moved.items())})" if moved else "")
            + (f".\n{left} values are still under old keys; run rotate again." if left else "."),
        )
