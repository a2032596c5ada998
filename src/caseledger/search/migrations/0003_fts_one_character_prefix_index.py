"""SQLite: the FTS5 table gets a prefix index of one character (`prefix='1'`), so a
one-character query (`"退" *`, every token starting with 退) reads one entry of that index
instead of merging the lists of every bigram starting with the character.

FTS5 counts a prefix index's length in characters (UTF-8 characters, not bytes: a query
prefix uses the index whose length equals its own in characters), so `'1'` serves one
CJK character and one Latin letter alike.

An FTS5 table's options cannot be altered: the table is made again and its documents
copied from the old one (they are stored in it), so no `search reindex` is needed. The copy
is an index build without the tokenising: 6 s of CPU for 100k cases against 12 s for a
reindex (docs/benchmarks.md, 2026-12-04). PostgreSQL: nothing (a tsquery prefix is served
by the GIN index as it is)."""

from django.db import migrations

CREATE = "CREATE VIRTUAL TABLE {table} USING fts5(body, tokenize = 'ascii', detail = full{options})"


def _remake(options: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in (
            "DROP TABLE IF EXISTS search_fts_new",
            CREATE.format(table="search_fts_new", options=options),
            "INSERT INTO search_fts_new (rowid, body) SELECT rowid, body FROM search_fts",
            "DROP TABLE search_fts",
            "ALTER TABLE search_fts_new RENAME TO search_fts",
        ):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_savedsearch")]

    operations = [
        migrations.RunPython(_remake(", prefix = '1'"), _remake("")),
    ]
