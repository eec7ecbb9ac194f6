"""The catalogue already loaded gets the trust-and-safety defaults a new one starts with (core.reference_data)."""

from django.db import migrations

SAFETY_DEFAULTS = {
    "childcare": {"vetting": 2},
    "shopping": {"allows_advances": True},
    "medicine": {"allows_advances": True},
}


def apply_defaults(apps, schema_editor):
    HelpType = apps.get_model("core", "HelpType")
    for code, fields in SAFETY_DEFAULTS.items():
        HelpType.objects.filter(code=code).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_help_type_vetting_and_advances")]

    operations = [migrations.RunPython(apply_defaults, migrations.RunPython.noop)]
