"""The search index: an FTS5 table on SQLite, a GIN-indexed table of tsvector chunks on
PostgreSQL (search/backends.py), and the state row naming the last journal sequence read."""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize = 'ascii', detail = full)",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS search_fts"]
POSTGRES = [
    "CREATE TABLE search_chunk (case_id bigint NOT NULL, chunk integer NOT NULL, "
    "tsv tsvector NOT NULL, PRIMARY KEY (case_id, chunk))",
    "CREATE INDEX search_chunk_tsv ON search_chunk USING gin (tsv)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS search_chunk"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IndexState",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.BigIntegerField(default=0)),
                ("updated_at", models.DateTimeField(blank=True, null=True)),
                ("rebuilt_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
