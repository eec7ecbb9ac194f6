"""The Proposal model moves here from volunteers: its table stays (state only, no data copied); 0002 renames it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("requests_app", "0001_initial"),
        ("volunteers", "0002_standing_orders_the_tier_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Proposal",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("proposed", "Proposée"), ("accepted", "Acceptée"), ("declined", "Déclinée"), ("expired", "Expirée"), ("done", "Terminée"), ("cancelled", "Annulée")], default="proposed", max_length=10, verbose_name="statut")),
                        ("score", models.IntegerField(default=0, verbose_name="score")),
                        ("explanation", models.TextField(blank=True, verbose_name="explication")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="proposée le")),
                        ("respond_by", models.DateTimeField(verbose_name="réponse attendue avant")),
                        ("responded_at", models.DateTimeField(blank=True, null=True, verbose_name="répondue le")),
                        ("decline_reason", models.CharField(blank=True, max_length=300, verbose_name="motif du refus")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="terminée le")),
                        ("report", models.TextField(blank=True, max_length=2000, verbose_name="compte rendu")),
                        ("concern", models.BooleanField(default=False, verbose_name="inquiétude signalée")),
                        ("help_request", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="proposals", to="requests_app.helprequest")),
                        ("proposed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("volunteer", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="proposals", to="volunteers.volunteerprofile")),
                    ],
                    options={
                        "verbose_name": "proposition",
                        "ordering": ["-created_at"],
                        "db_table": "volunteers_proposal",
                        "indexes": [models.Index(fields=["status", "respond_by"], name="proposal_deadline")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("status__in", ("proposed", "accepted"))), fields=("help_request",), name="one_live_proposal_per_request")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]  # fmt: skip
