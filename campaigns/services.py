"""Campaigns: created over registers and a scope, split into call sheets between callers, started and closed."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q

from accounts.roles import can_take_calls
from campaigns.enums import CampaignStatus
from campaigns.models import CallerVetting, CallSheet, Campaign, CampaignEntry, Register, RegisterEntry


class CampaignError(Exception):
    """A campaign cannot do what was asked; the message, in French, says why."""


def caller_eligible(user) -> bool:
    """Who may be given a call sheet: a hotline agent, or a volunteer staff vetted for calls and still active."""
    if not user.is_active:
        return False
    return can_take_calls(user) or CallerVetting.objects.active().filter(volunteer__user=user).exists()


@transaction.atomic
def campaign_create(
    *,
    name: str,
    registers: Iterable[Register],
    deadline: date,
    script: str,
    created_by,
    communes: Iterable = (),
    epcis: Iterable = (),
    arrondissements: Iterable = (),
) -> Campaign:
    """A draft campaign and, frozen now, one row per person of the registers within the scope (the union of the
    communes, EPCIs and arrondissements given; none given means everyone on the registers)."""
    registers, communes, epcis, arrondissements = list(registers), list(communes), list(epcis), list(arrondissements)
    if any(register.erased_at for register in registers):
        raise CampaignError("Un registre effacé ne peut plus servir à une campagne.")
    campaign = Campaign(name=name, deadline=deadline, script=script, created_by=created_by)
    campaign.full_clean()
    campaign.save()
    campaign.registers.set(registers)
    campaign.communes.set(communes)
    campaign.epcis.set(epcis)
    campaign.arrondissements.set(arrondissements)
    entries = RegisterEntry.objects.filter(register__in=registers)
    if communes or epcis or arrondissements:
        entries = entries.filter(
            Q(commune__in=communes) | Q(commune__epci__in=epcis) | Q(commune__arrondissement__in=arrondissements)
        )
    CampaignEntry.objects.bulk_create(
        CampaignEntry(campaign=campaign, entry_id=entry_id, commune_id=commune_id)
        for entry_id, commune_id in entries.values_list("pk", "commune_id").distinct()
    )
    return campaign


@transaction.atomic
def campaign_sheets_split(*, campaign: Campaign, callers: Sequence) -> list[CallSheet]:
    """One new sheet per caller with an even share of the people not on a sheet yet, each sheet in consecutive
    runs of the same commune (a caller who knows Toul calls Toul), by name within it."""
    if campaign.status == CampaignStatus.CLOSED:
        raise CampaignError("La campagne est close.")
    if not callers:
        raise CampaignError("Choisissez au moins un appelant.")
    refused = [caller for caller in callers if not caller_eligible(caller)]
    if refused:
        raise CampaignError(
            "Ces comptes ne sont ni agents de l'accueil téléphonique ni bénévoles habilités aux appels : "
            + ", ".join(caller.email for caller in refused)
        )
    campaign = Campaign.objects.select_for_update(of=("self",)).get(pk=campaign.pk)
    waiting = list(
        campaign.entries.to_call()
        .filter(sheet__isnull=True)
        .order_by("commune__name", "entry__last_name", "entry__first_name", "pk")
        .only("pk")
    )
    first_number = (campaign.sheets.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    sheets = CallSheet.objects.bulk_create(
        CallSheet(campaign=campaign, caller=caller, number=first_number + index)
        for index, caller in enumerate(callers)
    )
    share, extra = divmod(len(waiting), len(sheets))
    start = 0
    for index, sheet in enumerate(sheets):
        end = start + share + (1 if index < extra else 0)
        for position, campaign_entry in enumerate(waiting[start:end], start=1):
            campaign_entry.sheet = sheet
            campaign_entry.position = position
        start = end
    CampaignEntry.objects.bulk_update(waiting, ["sheet", "position"])
    return sheets


def campaign_start(*, campaign: Campaign) -> None:
    if not campaign.entries.exists():
        raise CampaignError("La campagne ne compte personne à appeler.")
    campaign.transition(CampaignStatus.RUNNING)


def campaign_close(*, campaign: Campaign) -> None:
    """Closes the campaign: the people still to call stay as they are; the registers' retention clock starts."""
    campaign.transition(CampaignStatus.CLOSED)
