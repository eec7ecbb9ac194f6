import operator
from datetime import datetime, timedelta
from functools import reduce

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.constraints import condition_holds
from core.enums import DayPeriod, Domain, Weekday
from core.models import AccessRecord
from core.private_files import private_storage, upload_to
from core.slots import days_and_periods, describe_slots, slot_bit
from matching.services import proposals_close_live
from requests_app.enums import (
    ADVANCE_TRANSITIONS,
    CLOSED_STATUSES,
    HANDOFF_OPEN_STATES,
    NEXT_STEP,
    TAKE_IN_CHARGE_WITHIN,
    TRANSITIONS,
    WAITING_STATUSES,
    AccessReason,
    AdvanceStatus,
    AnswerChannel,
    AssignmentEnd,
    CallbackOrigin,
    CallbackOutcome,
    CallbackState,
    CarerStatus,
    ContactChannel,
    DuplicateReason,
    HandOffStage,
    HandOffState,
    RequesterRelation,
    Source,
    Status,
    Urgency,
)
from requests_app.similarity import similar_person_index
from volunteers.models import VolunteerProfile

VOLUNTEER_SUMMARY_MAX_LENGTH = 300

# Statuses in which a request's live proposal stays live: the volunteer is still asked, or helping.
KEEPS_LIVE_PROPOSAL = frozenset({Status.PROPOSED, Status.ASSIGNED})


class TransitionNotAllowed(Exception):
    def __init__(self, from_status: str, to_status: str):
        self.from_status, self.to_status = from_status, to_status
        labels = {"from": Status(from_status).label, "to": Status(to_status).label}
        if from_status == to_status:
            super().__init__(_("La demande est déjà « %(to)s ».") % labels)
        else:
            super().__init__(_("Une demande « %(from)s » ne peut pas passer à « %(to)s ».") % labels)


class CarerConfirmationRefused(Exception):
    """The carer status cannot be confirmed now; the message says why, in French."""


class HoldRefused(Exception):
    """The request was not held: it is closed, or another agent holds it (`holder`, since `held_at`)."""

    def __init__(self, message: str, *, holder=None, held_at: datetime | None = None):
        super().__init__(message)
        self.holder, self.held_at = holder, held_at


def hold_cutoff(now: datetime | None = None) -> datetime:
    """Holds taken before this moment are over: HOLD_MINUTES after "je m'en occupe" the request is free again,
    without anyone or any task releasing it."""
    return (now or timezone.now()) - timedelta(minutes=settings.HOLD_MINUTES)


def live_hold(now: datetime | None = None) -> Q:
    """Requests an agent holds now (their hold has not expired)."""
    return Q(held_by__isnull=False, held_at__gt=hold_cutoff(now))


def clock(moment: datetime) -> str:
    """A time of day as staff say it: "14 h 05"."""
    return time_format(timezone.localtime(moment), "G \\h i")


# How much sooner a vulnerable person's request falls due, as a share of the time its urgency allows, flag by flag
# and added up. Living alone weighs most: nobody else will notice if help does not come.
VULNERABILITY_HEADSTART = {
    "lives_alone": 0.25,
    "aged_70_plus": 0.15,
    "has_disability": 0.15,
    "no_internet": 0.10,
}
# The queue's order once `with_priority` has annotated the rows.
PRIORITY_ORDERING = ("queue_rank", "queue_due_at", "pk")


def _due_callbacks(now=None):
    return Callback.objects.open().filter(help_request=OuterRef("pk"), due_at__lte=now or timezone.now())


def callback_due(now=None) -> Q:
    """A request with an open callback due by `now`: the queue's "rappels dus" and the Rappels list agree on it."""
    return Q(Exists(_due_callbacks(now)))


def contact_match(*, phone: str = "", email: str = "") -> Q | None:
    """Where this phone number or email appears, as requester or beneficiary; None without either."""
    condition = Q()
    if phone:
        condition |= Q(requester_phone=phone) | Q(beneficiary_phone=phone)
    if email:
        condition |= Q(requester_email__iexact=email)
    return condition or None


class HelpRequestQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def with_priority(self):
        """Annotates each request with its place in the triage queue (order by PRIORITY_ORDERING).

        The rule, in one place: first the requests still waiting for someone to take them in charge
        (WAITING_STATUSES: received, triaged, proposed, back to an agent), then those a volunteer or an organisation
        has (`queue_rank` 0, then 1). Within each, the request due first comes first. A request is due when the
        time its urgency allows is up (TAKE_IN_CHARGE_WITHIN: a day for "urgent", a week, two weeks), brought
        forward for a vulnerable person by a share of that time for each flag (VULNERABILITY_HEADSTART: a quarter
        for living alone, 15 % at 70 or over, 15 % for a disability, 10 % without internet).

        So urgency, vulnerability and waiting time weigh together: at the same urgency a person living alone who
        has waited 2 h (due in 24 - 2 - 6 = 16 h) comes before someone who has waited 3 h (due in 21 h); a fresh
        urgent request (due in 24 h) comes before a "this week" one filed three days ago (due in 4 days), but not
        before one filed six and a half days ago (due in 12 h); once late, the latest comes first.
        """
        allowed = Case(
            *(When(urgency=urgency, then=Value(within)) for urgency, within in TAKE_IN_CHARGE_WITHIN.items()),
            output_field=DurationField(),
        )
        headstarts = [
            Case(
                *(
                    When(urgency=urgency, **{flag: True}, then=Value(within * share))
                    for urgency, within in TAKE_IN_CHARGE_WITHIN.items()
                ),
                default=Value(timedelta(0)),
                output_field=DurationField(),
            )
            for flag, share in VULNERABILITY_HEADSTART.items()
        ]
        due_at = reduce(operator.sub, headstarts, F("created_at") + allowed)
        return self.annotate(
            queue_rank=Case(When(status__in=WAITING_STATUSES, then=Value(0)), default=Value(1)),
            queue_due_at=ExpressionWrapper(due_at, output_field=DateTimeField()),
        )

    def triage_queue(self):
        """Open requests in the queue's order (`with_priority`)."""
        return self.open().with_priority().order_by(*PRIORITY_ORDERING)

    def held_by_agent(self, user):
        """The requests `user` holds now."""
        return self.filter(live_hold(), held_by=user)

    def held(self):
        """Routed and not yet done or handed back: through `association.routed_requests`, what it holds now."""
        return self.filter(status=Status.ROUTED)

    def from_contact(self, *, phone: str = "", email: str = ""):
        """Requests where this phone number or email appears, as requester or beneficiary."""
        condition = contact_match(phone=phone, email=email)
        return self.filter(condition) if condition is not None else self.none()

    def with_reply_code(self, code: str):
        """The requests whose reference ends with this code (HelpRequest.reply_code), as an SMS quotes it: "9PXD"."""
        return self.filter(reference__endswith=f"-{code}")

    def callbacks_due(self, now=None):
        """Open requests whose open callback is due by `now`, the longest overdue first (`callback_due_at`)."""
        return self.open().filter(callback_due(now)).with_callback_due_at(now).order_by("callback_due_at", "pk")

    def with_callback_due_at(self, now=None):
        return self.annotate(callback_due_at=Subquery(_due_callbacks(now).values("due_at")[:1]))

    def awaiting_a_volunteer(self):
        """The requests the matching's batch may propose (matching/batch.py): triaged ones, and new ones of a help
        type proposed as soon as filed (MATCHING_AUTO_HELP_TYPES). Other new requests await staff's triage; those
        waiting for an agent are staff's."""
        auto = Q(status=Status.NEW, help_type__code__in=settings.MATCHING_AUTO_HELP_TYPES)
        return self.filter(Q(status=Status.TRIAGED) | auto)

    @transaction.atomic
    def mark_proposed(self, notes: dict[int, str], *, by=None) -> list[int]:
        """`HelpRequest.mark_proposed` for many requests at once, each with its history note (`notes` by pk): the
        rows locked by pk, those whose status allows the move (TRANSITIONS) moved in one UPDATE, their history lines
        in one INSERT. Returns the pks moved. The transition's other effects never follow this move: no status that
        may go to `proposed` keeps a live proposal or is routed, and `proposed` is not closed. Neither sends a
        signal, so their tracking pages are forgotten here."""
        from requests_app.tracking import tracking_forget_many  # it reads these models: imported once they exist

        locked = (
            self.model.objects.select_for_update(of=("self",))
            .filter(pk__in=notes)
            .order_by("pk")
            .values_list("pk", "status", "tracking_token")
        )
        current, tokens = {}, {}
        for pk, status, token in locked:
            current[pk], tokens[pk] = status, token
        moving = [pk for pk, status in current.items() if Status.PROPOSED in TRANSITIONS[status]]
        tracking_forget_many([tokens[pk] for pk in moving])
        now = timezone.now()
        self.model.objects.filter(pk__in=moving).update(
            status=Status.PROPOSED, status_changed_at=now, held_by=None, held_at=None
        )
        StatusChange.objects.bulk_create(
            StatusChange(
                help_request_id=pk,
                from_status=current[pk],
                to_status=Status.PROPOSED,
                changed_by=by,
                changed_at=now,
                note=notes[pk],
            )
            for pk in moving
        )
        return moving


class HelpRequest(models.Model):
    # As Model.DoesNotExist: the apps below this one (the matching) catch it on the instance they were given.
    TransitionNotAllowed = TransitionNotAllowed

    reference = models.CharField(_("référence"), max_length=16, unique=True, editable=False)
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.NEW, editable=False)

    requester_relation = models.CharField(
        _("la demande est faite"), max_length=15, choices=RequesterRelation.choices, default=RequesterRelation.SELF
    )
    requester_name = models.CharField(_("nom et prénom du demandeur"), max_length=120)
    requester_phone = PhoneNumberField(_("téléphone du demandeur"), blank=True, db_index=True)
    requester_email = models.EmailField(_("courriel du demandeur"), blank=True, db_index=True)
    beneficiary_name = models.CharField(_("nom et prénom de la personne à aider"), max_length=120, blank=True)
    beneficiary_phone = PhoneNumberField(_("téléphone de la personne à aider"), blank=True, db_index=True)
    preferred_channel = models.CharField(
        _("être tenu informé"), max_length=10, choices=ContactChannel.choices, default=ContactChannel.SMS
    )

    commune = models.ForeignKey(
        "core.Commune", on_delete=models.PROTECT, related_name="help_requests", verbose_name=_("commune")
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    help_type = models.ForeignKey(
        "core.HelpType", on_delete=models.PROTECT, related_name="help_requests", verbose_name=_("type d'aide")
    )
    # Copied from the help type when the request is filed: statistics keep it even if the catalogue changes.
    domain = models.CharField(_("domaine"), max_length=30, choices=Domain.choices, editable=False)
    description = models.TextField(_("description du besoin"))
    # What a volunteer reads before accepting, written apart from the description so that it holds nobody's name,
    # address or number: the description itself is shown only once the volunteer has accepted.
    volunteer_summary = models.CharField(
        _("ce que le bénévole peut savoir avant d'accepter"), max_length=VOLUNTEER_SUMMARY_MAX_LENGTH, blank=True
    )
    urgency = models.PositiveSmallIntegerField(_("urgence"), choices=Urgency.choices, default=Urgency.NORMAL)
    lives_alone = models.BooleanField(_("vit seule"), default=False)
    aged_70_plus = models.BooleanField(_("70 ans ou plus"), default=False)
    has_disability = models.BooleanField(_("situation de handicap"), default=False)
    no_internet = models.BooleanField(_("sans accès à internet"), default=False)
    preferred_slots = models.PositiveIntegerField(_("créneaux souhaités"), default=0)
    # A regular help ("chaque semaine, le mardi matin"): one volunteer for every week, whose availability must cover
    # this slot (matching.ranking), followed as a pairing (the pairings app). Both set, or neither.
    recurring_day = models.PositiveSmallIntegerField(
        _("aide régulière : jour"), choices=Weekday.choices, null=True, blank=True
    )
    recurring_period = models.PositiveSmallIntegerField(
        _("aide régulière : moment"), choices=DayPeriod.choices, null=True, blank=True
    )

    # Exceptional childcare is for the children of carers and of child-welfare structures: the requester says which,
    # and staff confirm it before any volunteer is proposed (README, "Vetted volunteers").
    carer_status = models.CharField(_("demandeur de garde"), max_length=12, choices=CarerStatus.choices, blank=True)
    carer_confirmed_at = models.DateTimeField(_("qualité confirmée le"), null=True, blank=True, editable=False)
    carer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("qualité confirmée par"),
    )
    consent_at = models.DateTimeField(_("consentement recueilli le"))
    routed_to = models.ForeignKey(
        "associations.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="routed_requests",
        verbose_name=_("confiée à"),
    )
    # The commune, CCAS, home-help or département service that filed it for one of its residents (source
    # `partner`), from its space or through the API: its members follow the request they filed.
    filed_by = models.ForeignKey(
        "associations.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_requests",
        verbose_name=_("déposée par la structure"),
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="possible_duplicates",
        verbose_name=_("doublon possible de"),
    )
    # Why it was flagged: the same phone number or email, or a similar name and address in the same commune
    # (requests_app/similarity.py), which may also be a couple or a namesake next door: staff judge.
    duplicate_reason = models.CharField(
        _("motif du doublon possible"), max_length=10, choices=DuplicateReason.choices, blank=True, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("fusionnée dans"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(_("statut changé le"), default=timezone.now, editable=False)
    # Set by the retention task, which erased who and what: the request stays only as a statistic.
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True, editable=False)
    # "Je m'en occupe": the agent working on the request, so that no other does the same work meanwhile. Over after
    # HOLD_MINUTES (`holder`, `live_hold`) and at any move of status (`transition`).
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("tenue par"),
    )
    held_at = models.DateTimeField(_("tenue depuis"), null=True, blank=True, editable=False)
    # "L'aide est-elle bien arrivée ?" asked by SMS once the request is done (requests_app/arrival.py): when, and the
    # answer (None until there is one; no answer after a delay reopens the request as a "no" would).
    arrival_asked_at = models.DateTimeField(_("arrivée de l'aide demandée le"), null=True, blank=True, editable=False)
    help_arrived = models.BooleanField(_("aide arrivée selon la personne"), null=True, blank=True, editable=False)
    arrival_answered_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True, editable=False)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'aide")
        verbose_name_plural = _("demandes d'aide")
        ordering = ["urgency", "created_at"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"], name="help_request_queue"),
            models.Index(fields=["urgency", "created_at"], name="help_request_urgency_age"),
            # A caller's earlier requests (duplicate flag on every filing, hotline lookup) match the email with
            # iexact, which compares UPPER(email): the plain index of the field cannot serve it.
            models.Index(Upper("requester_email"), name="help_request_email_upper"),
            # The duplicate flag's other half: a similar name and address among the commune's open requests.
            similar_person_index(),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester_phone="") | ~Q(requester_email="") | Q(anonymised_at__isnull=False),
                name="help_request_has_contact",
            ),
            models.CheckConstraint(
                condition=Q(recurring_day__isnull=True, recurring_period__isnull=True)
                | Q(recurring_day__isnull=False, recurring_period__isnull=False),
                name="help_request_recurring_day_and_period",
            ),
            models.CheckConstraint(
                condition=Q(filed_by__isnull=True) | Q(source=Source.PARTNER), name="help_request_filed_by_partner"
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self.help_type_id and not self.domain:
            self.domain = self.help_type.domain
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        """A request's commune and help type must exist: a form that read them from the database has shown they do,
        so they are not looked up again (the database's foreign keys still stand guard until the insert)."""
        exclude = set(exclude or ())
        for name in ("commune", "help_type"):
            field = self._meta.get_field(name)
            if field.is_cached(self) and (related := field.get_cached_value(self)) is not None:
                if not related._state.adding and related.pk == getattr(self, field.attname):
                    exclude.add(name)
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        """The check constraints are decided in Python when they can be (`core.constraints`): asked of the database,
        they were a query each, in a savepoint inside the filing's transaction, and cost more than the insert. Only
        when one fails, or Python cannot tell, are they asked of the database as Django does, for the message of the
        one that fails."""
        exclude = set(exclude or ())
        checks = [c for c in self._meta.constraints if isinstance(c, models.CheckConstraint)]
        if len(checks) != len(self._meta.constraints):
            return super().validate_constraints(exclude=exclude)
        # As Django does: a constraint reading a field left out of the validation is not checked.
        checks = [check for check in checks if not check.condition.referenced_base_fields & exclude]
        condition = Q(*(check.condition for check in checks))
        # The values as the database would compare them (a phone number as its text, a relation as its key).
        # Only the table's own columns, by either name (`commune` or `commune_id`): another name (`pk`, a reverse
        # relation) stays out, and its lookup is the database's to decide.
        columns = {name: field for field in self._meta.concrete_fields for name in (field.name, field.attname)}
        named = [name for name in condition.referenced_base_fields if name in columns]
        values = {name: columns[name].get_prep_value(getattr(self, columns[name].attname)) for name in named}
        if condition_holds(condition, values):
            return None
        return super().validate_constraints(exclude=exclude)

    @property
    def reply_code(self) -> str:
        """The code an SMS about this request carries and a reply quotes ("OUI 9PXD"): the reference's last group,
        which the person may also have from the phone call or an earlier message. One phone often has several
        requests or proposals going at once, so its number alone cannot say which a reply answers."""
        return self.reference.rsplit("-", 1)[-1]

    @property
    def offline(self) -> bool:
        """Whether the person may have no internet: they said so, asked by phone, or told a campaign's caller on the
        phone. No SMS to them then carries a link they could not open: it gives the reference and the hotline's number
        instead."""
        return self.no_internet or self.source in (Source.PHONE, Source.CAMPAIGN)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def can_be_cancelled(self) -> bool:
        return Status.CANCELLED in TRANSITIONS[self.status]

    @property
    def can_be_proposed(self) -> bool:
        return Status.PROPOSED in TRANSITIONS[self.status]

    @property
    def awaits_staff(self) -> bool:
        return self.status == Status.NEEDS_STAFF

    @property
    def awaits_carer_confirmation(self) -> bool:
        """Exceptional childcare: no volunteer is proposed until staff confirm the requester is a carer or a
        child-welfare structure (`confirm_carer`)."""
        return self.domain == Domain.CHILDCARE and self.carer_confirmed_at is None

    @property
    def next_step(self) -> str:
        return NEXT_STEP[self.status]

    @property
    def slots_display(self) -> str:
        return describe_slots(self.preferred_slots)

    @property
    def is_recurring(self) -> bool:
        return self.recurring_day is not None

    @property
    def recurring_slot(self) -> int:
        """The weekly slot of a regular help as a mask (core.slots), 0 for a one-off help."""
        return slot_bit(self.recurring_day, self.recurring_period) if self.is_recurring else 0

    @property
    def recurring_display(self) -> str:
        """ "mardi matin", or "" for a one-off help."""
        if not self.is_recurring:
            return ""
        return f"{Weekday(self.recurring_day).label} {DayPeriod(self.recurring_period).label}"

    @property
    def person_phone(self):
        """The number of the person helped: hers when given apart, else the requester's."""
        return self.beneficiary_phone or self.requester_phone

    @property
    def vulnerabilities(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("lives_alone", "aged_70_plus", "has_disability", "no_internet")
            if getattr(self, name)
        ]

    @property
    def beneficiary_display(self) -> str:
        return self.beneficiary_name or self.requester_name

    @property
    def holder(self):
        """The agent who holds the request now, or None (nobody, or their hold has expired)."""
        if self.held_by_id is None or self.held_at is None or self.held_at <= hold_cutoff():
            return None
        return self.held_by

    @property
    def hold_ends_at(self) -> datetime | None:
        return self.held_at + timedelta(minutes=settings.HOLD_MINUTES) if self.holder else None

    def held_by_another(self, user) -> bool:
        return self.holder is not None and self.held_by_id != user.pk

    @transaction.atomic
    def hold(self, *, by, take_over: bool = False) -> None:
        """`by` holds the request for HOLD_MINUTES from now (again, when it is already theirs). A hold of another
        agent is taken over only when asked (`take_over`), else HoldRefused; a closed request is held by nobody.

        The row is locked and read again, so that two agents pressing "je m'en occupe" at once do not both get it.
        """
        current = HelpRequest.objects.select_for_update(of=("self",)).select_related("held_by").get(pk=self.pk)
        if current.is_closed:
            raise HoldRefused(_("La demande est close : il n'y a plus rien à faire."))
        if current.held_by_another(by) and not take_over:
            raise HoldRefused(
                _("%(who)s s'en occupe depuis %(since)s.") % {"who": current.holder, "since": clock(current.held_at)},
                holder=current.holder,
                held_at=current.held_at,
            )
        self.held_by, self.held_at = by, timezone.now()
        self.save(update_fields=["held_by", "held_at"])

    def release(self, *, by) -> bool:
        """Lets the request go if `by` holds it; whether they did."""
        if HelpRequest.objects.filter(pk=self.pk, held_by=by).update(held_by=None, held_at=None):
            self.held_by, self.held_at = None, None
            return True
        return False

    @transaction.atomic
    def transition(self, to: str, *, by=None, note: str = "", extra_fields: tuple[str, ...] = ()) -> "StatusChange":
        """Moves the request to another status, or raises TransitionNotAllowed, and records the change.

        The row is locked and its status read again, so two staff acting at once cannot both move it.
        """
        current = HelpRequest.objects.select_for_update(of=("self",)).only("status").get(pk=self.pk).status
        if to not in TRANSITIONS[current]:
            raise TransitionNotAllowed(current, to)
        self.status = to
        self.status_changed_at = timezone.now()
        # Whoever held the request held it for the step it has just left: the next step is anyone's.
        self.held_by, self.held_at = None, None
        self.save(update_fields=["status", "status_changed_at", "held_by", "held_at", *extra_fields])
        if current in KEEPS_LIVE_PROPOSAL and to not in KEEPS_LIVE_PROPOSAL:
            # Leaving the volunteer's hands ends their proposal at once (details hidden, place freed).
            proposals_close_live(help_request=self)
        if to in CLOSED_STATUSES:
            # Nobody is to be called about a request that is over.
            self.callbacks.open().update(state=CallbackState.CANCELLED, closed_at=self.status_changed_at)
        if current == Status.ROUTED:
            # Once the organisation no longer holds it, nor does the person it passed the request to.
            self.organisation_assignments.live().update(
                ended_at=self.status_changed_at,
                ended_reason=AssignmentEnd.DONE if to == Status.DONE else AssignmentEnd.LEFT_ORGANISATION,
            )
        return StatusChange.objects.create(
            help_request=self, from_status=current, to_status=to, changed_by=by, note=note
        )

    def triage(self, *, by=None, note: str = ""):
        return self.transition(Status.TRIAGED, by=by, note=note)

    @transaction.atomic
    def confirm_carer(self, *, by) -> "StatusChange":
        """Staff checked that a childcare request comes from a carer or a child-welfare structure (the status the
        requester gave, `carer_status`): volunteers may now be proposed. Recorded in the history, status unchanged."""
        current = HelpRequest.objects.select_for_update(of=("self",)).get(pk=self.pk)
        if current.domain != Domain.CHILDCARE or not current.carer_status:
            raise CarerConfirmationRefused(_("Indiquez d'abord si le demandeur est soignant ou une structure."))
        if current.carer_confirmed_at is not None:
            raise CarerConfirmationRefused(_("La qualité du demandeur est déjà confirmée."))
        if current.is_closed:
            raise CarerConfirmationRefused(_("La demande est close : il n'y a plus rien à confirmer."))
        self.carer_status = current.carer_status
        self.carer_confirmed_at, self.carer_confirmed_by = timezone.now(), by
        self.save(update_fields=["carer_confirmed_at", "carer_confirmed_by"])
        return StatusChange.objects.create(
            help_request=self,
            from_status=current.status,
            to_status=current.status,
            changed_by=by,
            note=_("Qualité du demandeur de garde confirmée : %(status)s.")
            % {"status": CarerStatus(current.carer_status).label},
        )

    def route_to(self, association, *, by=None, note: str = ""):
        self.routed_to = association
        return self.transition(Status.ROUTED, by=by, note=note or str(association), extra_fields=("routed_to",))

    def hand_back_from_association(self, *, by=None, note: str):
        self.routed_to = None
        return self.transition(
            Status.TRIAGED,
            by=by,
            note=_("Rendue par la structure : %(note)s") % {"note": note},
            extra_fields=("routed_to",),
        )

    def cancel(self, *, by=None, note: str = ""):
        return self.transition(Status.CANCELLED, by=by, note=note)

    def mark_needs_staff(self, *, by=None, note: str = ""):
        return self.transition(Status.NEEDS_STAFF, by=by, note=note)

    # The moves the proposal lifecycle (matching.services) makes.
    def mark_proposed(self, *, by=None, note: str = ""):
        return self.transition(Status.PROPOSED, by=by, note=note)

    def mark_assigned(self, *, by=None, note: str = ""):
        return self.transition(Status.ASSIGNED, by=by, note=note)

    def mark_done(self, *, by=None, note: str = ""):
        return self.transition(Status.DONE, by=by, note=note)


class StatusChange(models.Model):
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("demande")
    )
    from_status = models.CharField(_("de"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=12, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    changed_at = models.DateTimeField(_("le"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


CALLBACK_PERIOD_PHRASES = {
    DayPeriod.MORNING: _("le matin"),
    DayPeriod.AFTERNOON: _("l'après-midi"),
    DayPeriod.EVENING: _("le soir"),
}


def callback_when(slots: int) -> str:
    """When a person who asked to be called will be, in words for them: "le matin ou le soir", "dès que possible"."""
    periods = days_and_periods(slots)[1] if slots else []
    if not periods:
        return str(_("dès que possible"))
    return str(_(" ou ")).join(str(CALLBACK_PERIOD_PHRASES[period]) for period in periods)


class CallbackQuerySet(models.QuerySet):
    def open(self):
        """Still to make. A request that closes closes its callbacks (HelpRequest.transition)."""
        return self.filter(state=CallbackState.OPEN)

    def due(self, now=None):
        return self.open().filter(due_at__lte=now or timezone.now())

    def with_attempt_count(self):
        return self.annotate(attempt_count=Count("attempts"))


class Callback(models.Model):
    """A call the hotline owes someone: asked for on the public form ("je préfère être rappelé·e") or promised by
    an agent on the console. Each try is a CallbackAttempt; a failed one moves `due_at` on (requests_app.callbacks).
    """

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="callbacks", verbose_name=_("demande")
    )
    due_at = models.DateTimeField(_("à rappeler le"))
    preferred_slots = models.PositiveIntegerField(_("créneaux souhaités"), default=0)
    origin = models.CharField(_("demandé par"), max_length=10, choices=CallbackOrigin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    state = models.CharField(_("état"), max_length=12, choices=CallbackState.choices, default=CallbackState.OPEN)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    # Set when staff were told it is late (requests_app.notices.callbacks_overdue_alert): they are told once.
    overdue_alerted_at = models.DateTimeField(_("retard signalé le"), null=True, blank=True, editable=False)

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["due_at"], condition=Q(state="open"), name="callback_open_due")]
        constraints = [
            # One call owed at a time: asking again moves the open callback instead of adding a second one.
            models.UniqueConstraint(
                fields=["help_request"], condition=Q(state="open"), name="callback_one_open_per_request"
            ),
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True) | (~Q(state="open") & Q(closed_at__isnull=False)),
                name="callback_closed_at_when_closed",
            ),
        ]

    def __str__(self):
        # Not the person's name: this string lands in the admin's history, which retention does not erase.
        return f"rappel n° {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == CallbackState.OPEN

    @property
    def slots_display(self) -> str:
        return describe_slots(self.preferred_slots)

    def overdue_by(self, now=None):
        """How late it is (a timedelta), or None if it is not due yet or no longer open."""
        late = (now or timezone.now()) - self.due_at
        return late if self.is_open and late.total_seconds() > 0 else None

    def reschedule(self, due_at) -> None:
        self.due_at = due_at
        self.save(update_fields=["due_at"])

    def close(self, state: str, *, at=None) -> None:
        self.state, self.closed_at = state, at or timezone.now()
        self.save(update_fields=["state", "closed_at"])


class CallbackAttempt(models.Model):
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=CallbackOutcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tentative de rappel")
        verbose_name_plural = _("tentatives de rappel")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_outcome_display()} ({timezone.localtime(self.at):%d/%m %H:%M})"


class RequestNote(models.Model):
    """What staff write about a request: a call, a callback, what the person said."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="notes", verbose_name=_("demande")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("auteur")
    )
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("note")
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Not the text: this string lands in the admin's history, which retention does not erase.
        return f"note n° {self.pk}"


def _logged_subject(model, verbose_name) -> models.ForeignKey:
    """A record an access-log line is about. No database constraint and nothing done on deletion: deleting an
    account, a request or an organisation must not rewrite the log, and the log keeps the number."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class AccessLog(AccessRecord):
    """Who saw a beneficiary's personal data, when, and why: append-only, readable by staff, editable by nobody
    (the model refuses updates and deletions; on PostgreSQL a trigger refuses them too)."""

    # The account and its address (core.models.AccessRecord); deleting a request must not rewrite the log either.
    help_request = _logged_subject(HelpRequest, _("demande"))
    # An export also takes volunteers' and organisations' contact details out of the portal: one line for each.
    volunteer = _logged_subject(VolunteerProfile, _("bénévole"))
    association = _logged_subject("associations.Association", _("structure"))
    reason = models.CharField(_("motif"), max_length=12, choices=AccessReason.choices)
    path = models.CharField(_("page"), max_length=300)
    # What was typed in the search box and the filters chosen, which the path leaves out. It may hold a name or a
    # phone number: it is kept here only, never in an application log, and goes with the line after a year.
    query = models.CharField(_("recherche et filtres"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("accès aux données personnelles")
        verbose_name_plural = _("journal des accès aux données personnelles")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.get_reason_display()}"


class OrganisationAssignmentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(ended_at__isnull=True)


class OrganisationAssignment(models.Model):
    """A request routed to an organisation, passed by one of its members to one of its own people: a member, or a
    volunteer it accepted on one of its missions (who may be given it: requests_app.routing). The request stays
    routed, the organisation still answers for it; the person sees the beneficiary's contact details while the
    assignment lives. One live assignment per request; the ended ones stay, as the organisation's history."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="organisation_assignments", verbose_name=_("demande")
    )
    association = models.ForeignKey(
        "associations.Association",
        on_delete=models.CASCADE,
        related_name="request_assignments",
        verbose_name=_("structure"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_assignments",
        verbose_name=_("confiée à"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confiée par"),
    )
    assigned_at = models.DateTimeField(_("confiée le"), default=timezone.now, editable=False)
    # What the member who passed it wants the person to know: shown on the person's page, never in an email.
    note = models.TextField(_("mot pour la personne"), max_length=1000, blank=True)
    ended_at = models.DateTimeField(_("fin le"), null=True, blank=True, editable=False)
    ended_reason = models.CharField(_("fin"), max_length=12, choices=AssignmentEnd.choices, blank=True, editable=False)
    # Why the person could not ("Je ne peux pas"), for the organisation's members.
    ended_note = models.CharField(_("raison donnée"), max_length=500, blank=True)

    objects = OrganisationAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande confiée par une structure")
        verbose_name_plural = _("demandes confiées par les structures")
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            # Two members passing the same request at once: the second is refused rather than doubling it.
            models.UniqueConstraint(
                fields=["help_request"], condition=Q(ended_at__isnull=True), name="organisation_assignment_one_live"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, ended_reason="")
                | (Q(ended_at__isnull=False) & ~Q(ended_reason="")),
                name="organisation_assignment_ended_with_reason",
            ),
        ]

    def __str__(self):
        # Nobody's name: this string lands in the admin's history, which retention does not erase.
        return f"attribution n° {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    def end(self, reason: AssignmentEnd, *, note: str = "") -> None:
        self.ended_at, self.ended_reason, self.ended_note = timezone.now(), reason, note
        self.save(update_fields=["ended_at", "ended_reason", "ended_note"])


class HandOffQuerySet(models.QuerySet):
    def open(self):
        """Still the responder's to answer (sent or taken)."""
        return self.filter(state__in=HANDOFF_OPEN_STATES)

    def unanswered(self, now: datetime | None = None):
        """Sent HANDOFF_ANSWER_HOURS ago or more and never answered, staff not told yet."""
        cutoff = (now or timezone.now()) - timedelta(hours=settings.HANDOFF_ANSWER_HOURS)
        return self.filter(state=HandOffState.SENT, created_at__lte=cutoff, alerted_at__isnull=True)


class HandOff(models.Model):
    """A request staff handed to a responder who has no account on the portal (a CCAS's shared mailbox, a food
    bank's mobile): the responder answers through single-use links (HandOffLink), each answer recorded here and in
    the request's history. The rules are in requests_app/handoffs.py."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="hand_offs", verbose_name=_("demande")
    )
    responder_label = models.CharField(_("confiée à"), max_length=120)
    responder_email = models.EmailField(_("courriel du relais"), blank=True)
    responder_phone = PhoneNumberField(_("téléphone du relais"), blank=True)
    note = models.TextField(_("note de l'agent pour le relais"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confiée par"),
    )
    created_at = models.DateTimeField(_("confiée le"), default=timezone.now, editable=False)
    state = models.CharField(_("état"), max_length=10, choices=HandOffState.choices, default=HandOffState.SENT)
    taken_at = models.DateTimeField(_("prise en charge le"), null=True, blank=True)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("impossible le"), null=True, blank=True)
    decline_reason = models.TextField(_("raison donnée par le relais"), max_length=500, blank=True)
    ended_at = models.DateTimeField(_("reprise ou close le"), null=True, blank=True)
    # Staff were told that the responder did not answer in HANDOFF_ANSWER_HOURS: once per hand-off.
    alerted_at = models.DateTimeField(_("agents alertés le"), null=True, blank=True)

    objects = HandOffQuerySet.as_manager()

    class Meta:
        verbose_name = _("relais hors portail")
        verbose_name_plural = _("relais hors portail")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["help_request"],
                condition=Q(state__in=sorted(HANDOFF_OPEN_STATES)),
                name="hand_off_one_open_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(responder_email="") | ~Q(responder_phone=""), name="hand_off_has_contact"
            ),
        ]
        indexes = [
            # The reminder's sweep reads the few sent and never answered.
            models.Index(
                fields=["created_at"],
                condition=Q(state=HandOffState.SENT, alerted_at__isnull=True),
                name="hand_off_unanswered",
            ),
        ]

    def __str__(self):
        # Not the request's reference: no query for a title, and the responder's name is what staff look for.
        return f"relais n° {self.pk} : {self.responder_label}"

    @property
    def is_open(self) -> bool:
        return self.state in HANDOFF_OPEN_STATES

    @property
    def contact_display(self) -> str:
        """Where its messages go, as staff read it: the address and, or, the number."""
        phone = str(self.responder_phone.as_national) if self.responder_phone else ""
        return " — ".join(part for part in (self.responder_email, phone) if part)

    @property
    def answered_at(self) -> datetime | None:
        """Its latest answer's time, if any."""
        times = [moment for moment in (self.taken_at, self.done_at, self.declined_at) if moment]
        return max(times) if times else None


class HandOffLink(models.Model):
    """One link of a hand-off, for one answer: only the SHA-256 of its token is kept; the token itself is written
    in the message to the responder and nowhere else. Unusable once used, replaced by a newer link, past
    `expires_at`, or when its hand-off is over."""

    hand_off = models.ForeignKey(HandOff, on_delete=models.CASCADE, related_name="links", verbose_name=_("relais"))
    stage = models.CharField(_("pour"), max_length=6, choices=HandOffStage.choices)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("remplacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien de relais")
        verbose_name_plural = _("liens de relais")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"lien n° {self.pk}"


def receipt_path(instance, filename: str) -> str:
    """A random name under receipts/ (core.private_files.upload_to), named here so that migrations can refer to it."""
    return upload_to("receipts")(instance, filename)


class AdvanceError(Exception):
    """The advance cannot move that way; the message says why, in French."""


class AdvanceQuerySet(models.QuerySet):
    def with_request(self):
        return self.select_related("proposal__help_request__help_type", "proposal__volunteer__user")

    def for_organisation(self, association):
        """The advances of the requests this organisation filed, or was routed: its to approve and repay."""
        return self.filter(
            Q(proposal__help_request__filed_by=association) | Q(proposal__help_request__routed_to=association)
        )


class Advance(models.Model):
    """Money a volunteer advanced for someone's shopping (help types that allow it): the amount and the photo of the
    receipt she recorded when she finished, the person's confirmation, the repayment decided by staff or the
    organisation and its date. The portal never holds card details or cash: it keeps the record that the money was
    advanced honestly and repaid. The one place that moves it is requests_app/advances.py."""

    proposal = models.OneToOneField(
        "matching.Proposal", on_delete=models.CASCADE, related_name="advance", verbose_name=_("mission du bénévole")
    )
    amount = models.DecimalField(_("montant avancé (€)"), max_digits=7, decimal_places=2)
    # Emptied, and the file deleted, with the request's anonymisation (requests_app/retention.py).
    receipt = models.FileField(
        _("photo du ticket de caisse"), storage=private_storage, upload_to=receipt_path, blank=True
    )
    status = models.CharField(
        _("état"), max_length=10, choices=AdvanceStatus.choices, default=AdvanceStatus.AWAITING, db_index=True
    )
    recorded_at = models.DateTimeField(_("déclarée le"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("réponse de la personne le"), null=True, blank=True)
    answer_channel = models.CharField(_("réponse reçue"), max_length=5, choices=AnswerChannel.choices, blank=True)
    # The agent who took the person's answer on the phone; none when the person answered by SMS.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("réponse notée par"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("remboursement décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("remboursement décidé par"),
    )  # fmt: skip
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    repaid_on = models.DateField(_("remboursée le"), null=True, blank=True)
    repaid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("remboursement noté par"),
    )  # fmt: skip

    objects = AdvanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("avance de courses")
        verbose_name_plural = _("avances de courses")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="advance_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=AdvanceStatus.REPAID) | Q(repaid_on__isnull=False), name="advance_repaid_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.amount} € — {self.proposal.help_request.reference}"

    @property
    def help_request(self):
        return self.proposal.help_request

    @property
    def is_open(self) -> bool:
        """Still something to do for someone: an answer, a decision or the repayment."""
        return bool(ADVANCE_TRANSITIONS[self.status])

    def can_move_to(self, to: str) -> bool:
        return to in ADVANCE_TRANSITIONS[self.status]

    def move(self, to: str, **fields) -> None:
        """Moves to another state with the fields that go with it, or raises AdvanceError when ADVANCE_TRANSITIONS
        do not allow it. Callers lock the row first."""
        if not self.can_move_to(to):
            raise AdvanceError(
                _("Cette avance est « %(state)s » : elle ne peut pas passer à cette étape.")
                % {"state": self.get_status_display()}
            )
        self.status = to
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])
