"""The cases' index keeps each case's visibility (department, and hidden when the case or its
customer is restricted), so a search scoped to some departments, restricted cases hidden,
is checked in the index instead of the wide case table joined to its customer per match
(search/scope.py, docs/adr/0008-search-index.md).

SQLite: a second column of the FTS5 table, `scope`, holding tokens no query can make
(`·d<department id>`, or `·x<department id>` when hidden: one token in every document),
so the scope is merged in the index with the query; an FTS5 table's columns cannot be
altered, so the table is made again and the documents copied from the old one (as migration 0003 did: an index build without the
tokenising). PostgreSQL: two columns of `search_chunk`.

Both are filled here from the cases as they are, so an existing install needs no
`search reindex`; from then on the catch-up writes a case's visibility whenever the journal
names the case or its customer (a department move, a restriction or its lifting), and a
rebuild writes it with every document."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE search_fts_new USING fts5({columns}, tokenize = 'ascii', "
    "detail = full, prefix = '1')"
)
SQLITE = [
    "DROP TABLE IF EXISTS search_fts_new",
    CREATE.format(columns="body, scope"),
    "INSERT INTO search_fts_new (rowid, body, scope) "
    "SELECT f.rowid, f.body, CASE WHEN c.restricted_at IS NOT NULL "
    "OR u.restricted_at IS NOT NULL THEN '·x' ELSE '·d' END || coalesce(c.department_id, 0) "
    "FROM search_fts AS f LEFT JOIN {case} AS c ON c.id = f.rowid "
    "LEFT JOIN {customer} AS u ON u.id = c.customer_id",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS search_fts_new",
    CREATE.format(columns="body"),
    "INSERT INTO search_fts_new (rowid, body) SELECT rowid, body FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
]
POSTGRES = [
    "ALTER TABLE search_chunk ADD COLUMN department_id bigint, "
    "ADD COLUMN hidden boolean NOT NULL DEFAULT false",
    "UPDATE search_chunk AS s SET department_id = c.department_id, "
    "hidden = (c.restricted_at IS NOT NULL OR u.restricted_at IS NOT NULL) "
    "FROM {case} AS c LEFT JOIN {customer} AS u ON u.id = c.customer_id WHERE c.id = s.case_id",
]
POSTGRES_DROP = [
    "ALTER TABLE search_chunk DROP COLUMN IF EXISTS department_id, DROP COLUMN IF EXISTS hidden"
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        tables = {
            "case": apps.get_model("cases", "Case")._meta.db_table,
            "customer": apps.get_model("customers", "Customer")._meta.db_table,
        }
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql.format(**tables))

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_fts_one_character_prefix_index"),
        ("cases", "0005_templates_as_data"),
        ("customers", "0003_lifecycle_marks"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
