"""Weekly time slots (7 days × morning / afternoon / evening) packed in one integer, bit = day * 3 + period.

Requests' preferred slots and volunteers' availability share this shape, so that "do they overlap" is a
single bitwise AND the database can do.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.enums import DayPeriod, Weekday

ALL_SLOTS = (1 << (len(Weekday) * len(DayPeriod))) - 1
# The local hours each period stands for when someone is to be called in it (start, end). Nobody is called
# outside them, so a mask with no slot at all means "at one of these hours", never in the night.
PERIOD_HOURS = {DayPeriod.MORNING: (9, 12), DayPeriod.AFTERNOON: (12, 18), DayPeriod.EVENING: (18, 20)}


def slot_bit(day: int, period: int) -> int:
    return 1 << (day * len(DayPeriod) + period)


def slots_from_days_and_periods(days: list[int], periods: list[int]) -> int:
    """Every period of every day given; no day means every day, no period means any time of day."""
    days = days or list(Weekday.values)
    periods = periods or list(DayPeriod.values)
    mask = 0
    for day in days:
        for period in periods:
            mask |= slot_bit(day, period)
    return 0 if mask == ALL_SLOTS else mask


def days_and_periods(mask: int) -> tuple[list[int], list[int]]:
    """The days and periods that a mask touches (the inverse of the above for masks it produced)."""
    if not mask:
        return [], []
    days = [day for day in Weekday.values if any(mask & slot_bit(day, period) for period in DayPeriod.values)]
    periods = [period for period in DayPeriod.values if any(mask & slot_bit(day, period) for day in Weekday.values)]
    return days, periods


def describe_slots(mask: int) -> str:
    if not mask:
        return _("à tout moment")
    days, periods = days_and_periods(mask)
    day_text = _("tous les jours") if len(days) == len(Weekday) else ", ".join(str(Weekday(d).label) for d in days)
    period_text = (
        _("toute la journée")
        if len(periods) == len(DayPeriod)
        else ", ".join(str(DayPeriod(p).label) for p in periods)
    )
    return f"{day_text} — {period_text}"


def slot_labels(mask: int) -> list[str]:
    """Every slot of a mask in words ("lundi matin"), for an export that must not simplify."""
    return [
        f"{Weekday(day).label} {DayPeriod(period).label}"
        for day in Weekday.values
        for period in DayPeriod.values
        if mask & slot_bit(day, period)
    ]


def next_slot_start(mask: int, after: datetime) -> datetime:
    """The first moment from `after` that falls in one of the mask's slots (any slot when the mask is empty): `after`
    itself when it is inside one, else the start of the next one, in local time."""
    mask = mask or ALL_SLOTS
    local = timezone.localtime(after)
    for day_offset in range(len(Weekday) + 1):
        day = (local + timedelta(days=day_offset)).date()
        for period, (start_hour, end_hour) in PERIOD_HOURS.items():
            if not mask & slot_bit(day.weekday(), period):
                continue
            start = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=start_hour))
            end = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=end_hour))
            if local < end:
                return max(start, local)
    raise ValueError(f"No slot in mask {mask}")  # unreachable: a non-empty mask has a slot every week
