"""The proposals' table takes the app's name (a rename: rows, indexes and constraints stay), and its content type
follows, so that permissions given on proposals and the admin's history keep pointing at them."""

from django.db import migrations


def content_type_move(apps, schema_editor, *, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    # On a new database the content types come after the migrations (post_migrate): nothing to move.
    if not ContentType.objects.filter(app_label=target, model="proposal").exists():
        ContentType.objects.filter(app_label=source, model="proposal").update(app_label=target)


def forwards(apps, schema_editor):
    content_type_move(apps, schema_editor, source="volunteers", target="matching")


def backwards(apps, schema_editor):
    content_type_move(apps, schema_editor, source="matching", target="volunteers")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("matching", "0001_initial"),
        ("volunteers", "0003_proposal_moves_to_matching"),
    ]

    operations = [
        migrations.AlterModelTable(name="proposal", table=None),
        migrations.RunPython(forwards, backwards),
    ]
