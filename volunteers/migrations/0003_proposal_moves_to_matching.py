"""The Proposal model now belongs to the matching app (matching 0001 takes it over): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0002_standing_orders_the_tier_indexes"),
        ("matching", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Proposal")]),
    ]
