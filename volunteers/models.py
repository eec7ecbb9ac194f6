from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerProfile(models.Model):
    """What makes an account a volunteer; the matching criteria are added by the volunteers issue."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile")
    home_commune = models.ForeignKey(
        "core.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune de résidence")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profil de bénévole")
        verbose_name_plural = _("profils de bénévoles")

    def __str__(self):
        return str(self.user)
