"""The SQL journal/verify.py walks the chain with: the portable query, and SQLite's fast path
that renders the hashed header in the database (a verdict never depends on it)."""

SQL = (
    "SELECT e.seq, e.at, e.actor_id, e.actor_name, e.via, e.action, e.object_type, "
    "e.object_id, e.root, e.reason, e.payload_hash, e.prev_hash, e.hash, p.body, "
    "p.redaction_ref, p.entry_id FROM journal_entry e "
    "LEFT JOIN journal_payload p ON p.entry_id = e.seq "
    "WHERE e.seq > %s AND e.seq <= %s ORDER BY e.seq"
)

# SQLite fast path. The entry's canonical header (without prev_hash) is built by SQLite's
# json_array only where that is provably the bytes `entry_digest` hashes: `at` exactly in the
# form Django stores (digits and separators; the GLOB also shuts out the other spellings
# Python's ISO parser accepts, such as a comma before the microseconds or a week date, which
# it would turn into a different time text), an integer or no actor_id, and, checked in Python,
# no string that needed an escape. Everything else, and every mismatch, is recomputed with
# `entry_digest` itself before anything is reported, so the fast path never changes a verdict.
AT_AS_STORED = (
    "[0-9]" * 4 + "-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]." + "[0-9]" * 6
)
SQLITE_ENTRIES = (
    "SELECT e.seq, e.prev_hash, e.hash, e.payload_hash, "
    f"CASE WHEN e.at GLOB '{AT_AS_STORED}' AND typeof(e.actor_id) IN ('integer', 'null') "
    "THEN json_array(e.seq, substr(e.at, 1, 10) || 'T' || substr(e.at, 12) || 'Z', "
    "e.actor_id, e.actor_name, e.via, e.action, e.object_type, e.object_id, e.root, e.reason, "
    "e.payload_hash) END "
    "FROM journal_entry e WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq"
)
# The payloads of one chunk of entries, fetched per chunk so the two line up row for row
# (a missing or stray payload only slows down its own chunk). Bodies as bytes: hashing
# needs UTF-8, so skip decoding them into str and back.
SQLITE_PAYLOADS = (
    "SELECT entry_id, CAST(body AS BLOB), redaction_ref FROM journal_payload "
    "WHERE entry_id >= ? AND entry_id <= ? ORDER BY entry_id"
)
ROW = (
    "SELECT seq, at, actor_id, actor_name, via, action, object_type, object_id, root, reason, "
    "payload_hash FROM journal_entry WHERE seq = %s"
)


def plain_header(header: str) -> bool:
    """True when no string in the header needed an escape. Python's encoder escapes a quote,
    a backslash and control characters, always with a backslash; SQLite's json_array does too.
    A header without a backslash and with only printable characters is the same bytes either
    way (anything else goes to `entry_digest`)."""
    return "\\" not in header and header.isprintable()
