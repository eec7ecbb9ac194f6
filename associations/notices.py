"""Who is told what about an organisation, its missions and its members: one function per event, each writing
outbox rows in the caller's transaction (notifications/outbox.py), so callers only say what happened."""

from notifications.enums import Event
from notifications.outbox import absolute_url, email_add

# --- To volunteers --------------------------------------------------------------------------------------------


def application_decided(application) -> None:
    if application.volunteer is None:
        return
    context = {"application": application, "mission": application.mission, "url": absolute_url("missions:list")}
    email_add(Event.APPLICATION_DECIDED, to=application.volunteer.email, context=context)


# --- To organisations -----------------------------------------------------------------------------------------


def application_new(application) -> None:
    mission = application.mission
    association = mission.association
    context = {
        "application": application,
        "mission": mission,
        "association": association,
        "url": absolute_url("associations:applications", association.pk),
    }
    for address in association.member_emails():
        email_add(Event.APPLICATION_NEW, to=address, context=context)


def association_validated(association) -> None:
    context = {"association": association, "url": absolute_url("associations:space", association.pk)}
    for address in association.member_emails() or [association.contact_email]:
        email_add(Event.ASSOCIATION_VALIDATED, to=address, context=context)


def invitation(invitation) -> None:
    context = {
        "association": invitation.association,
        "invited_by": invitation.invited_by,
        "link": absolute_url("associations:invitation", invitation.token),
    }
    email_add(Event.INVITATION, to=invitation.email, context=context)
