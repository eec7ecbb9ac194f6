"""Who may see a register's people, and the log of each look. Staff who `can_run_campaigns` see every register; a
caller sees the people of her own call sheets while the campaign runs. Every page that shows a name, a phone or an
address of a register writes one line per person shown to RegisterAccessLog, in one query."""

from collections.abc import Iterable

from accounts.roles import can_run_campaigns
from campaigns.enums import CampaignStatus, RegisterAccessReason
from campaigns.models import CallSheet, CampaignEntry, Register, RegisterAccessLog, RegisterEntry


def entry_visible(user, campaign_entry: CampaignEntry) -> bool:
    if not user.is_authenticated:
        return False
    if can_run_campaigns(user):
        return True
    return (
        campaign_entry.sheet_id is not None
        and campaign_entry.sheet.caller_id == user.pk
        and campaign_entry.campaign.status == CampaignStatus.RUNNING
    )


def register_access_records(
    request,
    reason: RegisterAccessReason,
    entries: Iterable[RegisterEntry],
    *,
    register: Register | None = None,
    detail: str = "",
) -> None:
    """One line per person stored and shown; for a page that shows people not stored yet (a file's preview), one
    line saying which file and how many lines."""
    path = request.path[:300]
    lines = [
        RegisterAccessLog(
            user=request.user,
            user_email=request.user.email,
            reason=reason,
            path=path,
            register_id=entry.register_id,
            entry=entry,
            detail=detail[:300],
        )
        for entry in entries
    ]
    if not lines:
        lines = [
            RegisterAccessLog(
                user=request.user,
                user_email=request.user.email,
                reason=reason,
                path=path,
                register=register,
                detail=detail[:300],
            )
        ]
    RegisterAccessLog.objects.bulk_create(lines)


def sheets_visible_to(user):
    """The call sheets `user` may open, as `entry_visible` says it for each person on them: every sheet for staff who
    run campaigns; for a caller, her own sheets while their campaign runs (before, nothing to call; after, the people
    are no longer hers to see)."""
    sheets = CallSheet.objects.select_related("campaign", "caller")
    if can_run_campaigns(user):
        return sheets
    return sheets.filter(caller=user, campaign__status=CampaignStatus.RUNNING)
