# Duplicates found beyond the exact phone or email: a similar name and address in the same commune
# (requests_app/similarity.py). On PostgreSQL only; SQLite skips the extensions, the function and the index.

import django.contrib.postgres.indexes
import django.db.models.functions.comparison
from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models

import requests_app.similarity

# Immutable, which an index expression must be and unaccent() is not (its dictionary could change): this one names
# its dictionary. Written as an SQL-standard body (RETURN), resolved once here, so that a restore by pg_dump, which
# empties the search path, still finds unaccent when it rebuilds the index.
# The words dropped tell neither who nor where: civilities, street types and their abbreviations, articles and
# "saint" (St-, Ste-), what says which flat in a building. Two texts then differ by a name, a number, a street.
FOLD_CREATE = r"""
CREATE OR REPLACE FUNCTION entraide_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN regexp_replace(
    lower(unaccent('unaccent'::regdictionary, $1)),
    '\m(m|mr|mme|mmes|mlle|monsieur|madame|mademoiselle|messieurs|'
    'rue|r|avenue|av|ave|boulevard|bd|bld|blvd|place|pl|chemin|ch|che|impasse|imp|allee|all|route|rte|quai|cours|'
    'square|sq|faubourg|fbg|fg|residence|res|lotissement|lot|cite|hameau|ham|'
    'de|du|des|la|le|les|l|d|et|aux|au|'
    'st|ste|saint|sainte|bis|ter|'
    'appartement|appart|appt|apt|etage|batiment|bat|escalier|esc|porte|logement|chez)\M',
    ' ',
    'g'
)
"""
FOLD_DROP = "DROP FUNCTION IF EXISTS entraide_fold(text)"


class ExtensionKept(CreateExtension):
    """Created going forward, on PostgreSQL; left in place going back, where something else may use it (and where
    Django's own operation would ask SQLite for PostgreSQL's list of extensions)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


def fold_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLD_CREATE)


def fold_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLD_DROP)


def contact_reason_set(apps, schema_editor):
    """Every flag set before this migration was for the same phone number or email."""
    HelpRequest = apps.get_model("requests_app", "HelpRequest")
    HelpRequest.objects.filter(possible_duplicate_of__isnull=False).update(duplicate_reason="contact")


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0015_filed_by_partner"),
    ]

    operations = [
        ExtensionKept("pg_trgm"),
        ExtensionKept("unaccent"),
        # GIN operators for plain columns: the commune joins the two texts in one index.
        ExtensionKept("btree_gin"),
        migrations.RunPython(fold_create, fold_drop, elidable=False),
        migrations.AddField(
            model_name="helprequest",
            name="duplicate_reason",
            field=models.CharField(
                blank=True,
                choices=[("contact", "même téléphone ou courriel"), ("similar", "nom et adresse proches")],
                editable=False,
                max_length=10,
                verbose_name="motif du doublon possible",
            ),
        ),
        migrations.RunPython(contact_reason_set, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="helprequest",
            index=requests_app.similarity.PostgresOnlyGinIndex(
                models.F("commune"),
                django.contrib.postgres.indexes.OpClass(
                    requests_app.similarity.Fold(
                        django.db.models.functions.comparison.Coalesce(
                            django.db.models.functions.comparison.NullIf("beneficiary_name", models.Value("")),
                            "requester_name",
                        )
                    ),
                    name="gin_trgm_ops",
                ),
                django.contrib.postgres.indexes.OpClass(
                    requests_app.similarity.Fold("address"), name="gin_trgm_ops"
                ),
                condition=models.Q(
                    models.Q(("status__in", ["cancelled", "done"]), _negated=True), ("anonymised_at__isnull", True)
                ),
                name="help_request_similar_person",
            ),
        ),
    ]
