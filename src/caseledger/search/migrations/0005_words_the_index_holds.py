"""SQLite: `search_words`, every token the cases' FTS5 index holds (search/words.py), so a
word prefix only one word of the index starts with is searched as that word exactly (no
merge of token lists, the same matches and BM25 scores). Filled here from the index's own
vocabulary (fts5vocab: every term, CJK ones too, a harmless surplus: only word prefixes
are looked up); from then on each document's words are added when it is written.
PostgreSQL: nothing."""

from django.db import migrations

SQLITE = [
    "CREATE TABLE search_words (term TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, search_fts, 'row')",
    "INSERT INTO search_words (term) SELECT term FROM temp.search_terms",
    "DROP TABLE temp.search_terms",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_words"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_index_keeps_visibility")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_DROP))]
