"""Work on organisations that spans several rows: registration, members, missions, applications."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import notices, signals
from associations.enums import ApplicationStatus, MemberRole, MissionStatus
from associations.models import Application, Association, Invitation, Membership, Mission


class AssociationError(Exception):
    """A rule of the organisations' space refused the action; the message says why, in French."""


@transaction.atomic
def association_register(*, association: Association, created_by, epcis=(), communes=()) -> Association:
    association.full_clean(exclude=["domains"])
    association.save()
    association.epcis_covered.set(epcis)
    association.communes_covered.set(communes)
    Membership.objects.create(association=association, user=created_by, role=MemberRole.ADMIN)
    return association


@transaction.atomic
def association_validate(*, association: Association) -> None:
    association.validate()
    notices.association_validated(association)


@transaction.atomic
def association_suspend(*, association: Association, reason: str) -> None:
    """A suspended organisation keeps no beneficiary's details: the requests it holds go back to triage."""
    for help_request in association.routed_requests.held():
        help_request.hand_back_from_association(by=None, note=_("structure suspendue"))
    association.suspend(reason)


@transaction.atomic
def invitation_create(*, association: Association, email: str, role: str, invited_by) -> Invitation:
    if association.memberships.filter(user__email__iexact=email).exists():
        raise AssociationError(_("%(email)s est déjà membre de %(name)s.") % {"email": email, "name": association})
    if Invitation.objects.usable().filter(association=association, email__iexact=email).exists():
        raise AssociationError(_("Une invitation attend déjà %(email)s.") % {"email": email})
    invitation = Invitation.objects.create(association=association, email=email, role=role, invited_by=invited_by)
    notices.invitation(invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    if invitation.accepted_at or invitation.expires_at <= timezone.now():
        raise AssociationError(_("Cette invitation n'est plus valable : demandez-en une nouvelle."))
    if invitation.email.lower() != user.email.lower():
        raise AssociationError(
            _("Cette invitation a été envoyée à %(email)s : connectez-vous avec cette adresse.")
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        association=invitation.association, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    invitations_close(association=invitation.association, email=invitation.email)
    return membership


def invitations_close(*, association: Association, email: str) -> None:
    """Other links sent to this address stop working: once used, or once the person is removed."""
    Invitation.objects.usable().filter(association=association, email__iexact=email).update(expires_at=timezone.now())


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    association = Association.objects.select_for_update(of=("self",)).get(pk=membership.association_id)
    admins = association.memberships.filter(role=MemberRole.ADMIN)
    if membership.role == MemberRole.ADMIN and admins.count() == 1:
        raise AssociationError(_("Impossible de retirer le dernier administrateur : nommez-en un autre d'abord."))
    invitations_close(association=association, email=membership.user.email)
    membership.delete()


def mission_publish(*, mission: Mission) -> Mission:
    if not mission.association.is_validated:
        raise AssociationError(_("Votre structure doit être validée par le département avant de publier une mission."))
    if mission.status == MissionStatus.PUBLISHED:
        raise AssociationError(_("Cette mission est déjà publiée."))
    mission.status, mission.published_at = MissionStatus.PUBLISHED, timezone.now()
    mission.save(update_fields=["status", "published_at"])
    return mission


def mission_close(*, mission: Mission) -> Mission:
    mission.status = MissionStatus.CLOSED
    mission.save(update_fields=["status"])
    return mission


def mission_duplicate(*, mission: Mission) -> Mission:
    """A draft copy, to post the same need again (next week's food distribution)."""
    copy = Mission.objects.get(pk=mission.pk)
    copy.pk = None
    copy.title = _("%(title)s (copie)") % {"title": mission.title}
    copy.status, copy.published_at = MissionStatus.DRAFT, None
    copy.save()
    return copy


@transaction.atomic
def application_create(*, mission: Mission, volunteer, message: str) -> Application:
    # Locked like in application_decide, so that the "full" check holds until this application is stored.
    mission = Mission.objects.select_for_update(of=("self",)).select_related("association").get(pk=mission.pk)
    if mission.status != MissionStatus.PUBLISHED or not mission.association.is_validated:
        raise AssociationError(_("Cette mission n'accepte plus de candidatures."))
    if mission.is_full():
        raise AssociationError(_("Cette mission est complète : merci, d'autres ont déjà répondu."))
    if Application.objects.filter(mission=mission, volunteer=volunteer, status=ApplicationStatus.DECLINED).exists():
        raise AssociationError(_("La structure a déjà répondu à votre candidature pour cette mission."))
    if mission.association.memberships.filter(user=volunteer).exists():
        raise AssociationError(
            _("Vous êtes membre de cette structure : vous ne pouvez pas candidater à ses missions.")
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(mission=mission, volunteer=volunteer, message=message)
    except IntegrityError:
        raise AssociationError(_("Vous avez déjà candidaté à cette mission.")) from None
    notices.application_new(application)
    return application


@transaction.atomic
def application_decide(*, application: Application, accept: bool, by) -> Application:
    # The mission row is locked: two members accepting at once cannot go past "volunteers needed".
    mission = Mission.objects.select_for_update(of=("self",)).get(pk=application.mission_id)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise AssociationError(_("Cette candidature a déjà reçu une réponse ou a été retirée."))
    if accept and mission.is_full():
        raise AssociationError(_("La mission est déjà complète : augmentez le nombre de bénévoles recherchés."))
    if accept:
        application.mission = mission
        signals.application_accepting.send(sender=Application, application=application)
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    application.decided_at, application.decided_by = timezone.now(), by
    application.save(update_fields=["status", "decided_at", "decided_by"])
    if accept:
        places_changed(mission)
    application.mission = mission
    notices.application_decided(application)  # the mission page promised the answer by email
    return application


@transaction.atomic
def application_withdraw(*, application: Application) -> Application:
    if application.status not in (ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED):
        raise AssociationError(_("Cette candidature n'est plus active."))
    was_accepted = application.status == ApplicationStatus.ACCEPTED
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    if was_accepted:
        places_changed(application.mission)
    return application


def places_changed(mission: Mission) -> None:
    """An application accepted, or an accepted one withdrawn, changes the mission's places left: a change of the
    mission for whoever imports what changed since a moment (the open data's `updated_since`). One UPDATE, without
    saving the mission's other fields over a concurrent edit."""
    mission.updated_at = timezone.now()
    Mission.objects.filter(pk=mission.pk).update(updated_at=mission.updated_at)
