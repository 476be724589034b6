"""What a refused request must leave as it was: every row of the project's own tables."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


def project_models():
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if base in Path(config.path).resolve().parents
        for model in config.get_models()
        if not model._meta.proxy
    ]


def snapshot() -> dict:
    """``{table: digest of its rows}`` for every table of the project's own apps."""
    models = project_models()
    if connection.vendor == "postgresql":
        # One round trip for all the tables: the matrix takes hundreds of snapshots.
        quote = connection.ops.quote_name
        parts = [
            f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
            f"FROM {quote(model._meta.db_table)} t"
            for model in models
        ]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), [m._meta.label for m in models])
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}
    # SQLite: each table's rows as the database holds them, read without building a model or
    # a dictionary per row (a tenth of the time of the ORM's values()).
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = {}
        for model in models:
            cursor.execute(f"SELECT * FROM {quote(model._meta.db_table)} ORDER BY rowid")
            tables[model._meta.label] = cursor.fetchall()
        return tables


def changes(before: dict, after: dict) -> list[str]:
    """The tables whose rows differ."""
    return sorted(label for label in before if before[label] != after[label])
