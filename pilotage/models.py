from django.db import models
from django.utils.translation import gettext_lazy as _


class Pilotage(models.Model):
    """No table and no rows: it only carries the permissions of the steering screens, which no model owns."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("export_personal_data", _("Exporter les données personnelles (demandes, bénévoles, structures)")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
