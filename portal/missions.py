"""Mission applications under the rule of proposals (README, "Vetted volunteers"): a mission of a help type that asks
a vetting level or a minimum age, or that is given in person, takes applications only from volunteers who may be
offered that help type. Here because it reads both the mission (associations) and the volunteer's profile
(volunteers), which must not import each other."""

from django.utils.translation import gettext as _

from associations.models import Mission
from volunteers.models import VolunteerProfile, minimum_age_asked


def asks_vetting(mission: Mission) -> bool:
    """Whether the mission's help type asks more of a volunteer than any mission: a check by staff or an age."""
    help_type = mission.help_type
    return help_type is not None and (help_type.vetting > 0 or minimum_age_asked(help_type) is not None)


def application_refusals(*, mission: Mission, user) -> list[str]:
    """Why this person may not apply to the mission, in French (none: she may). A mission without a help type asks
    nothing beyond the organisation's own choice."""
    help_type = mission.help_type
    if help_type is None:
        return []
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is None:
        if asks_vetting(mission):
            return [_("Cette mission demande un profil de bénévole vérifié par l'équipe du département.")]
        return []
    # At a distance, the protective rule does not apply whatever the help type (the mission says so).
    return profile.safeguard_refusals(help_type, remote=mission.is_remote)
