"""The matching's weights, in one place: `matching.ranking` scores with them, and the volunteer's stored
standing (`VolunteerProfile.standing`) adds up the part of the score that does not depend on the request (its two
weights live in `volunteers.standing`, below the matching, and are re-exported here).

Proximity comes first: 100 points between tiers, more than any other factor (slots 30, skill 10, vehicle 15,
fairness 14, record 10, load at most −45). The factors together can still bridge a tier (a volunteer next door
following nine requests against a perfect one in the next commune), so the matching checks it, never assumes
it. Within a tier: being free at the asked time matters most, then
the right tools (a car for shopping, a skill for homework), then spreading work over people.
"""

from core.enums import Proximity
from volunteers.standing import LOAD_PENALTY, RECORD_POINTS_MAX

__all__ = [
    "CONTINUITY_POINTS", "FAIRNESS_POINTS", "FAIRNESS_POINTS_MAX", "LOAD_PENALTY", "PROXIMITY_POINTS",
    "RECORD_POINTS_MAX", "SKILL_POINTS", "SLOT_POINTS", "SLOT_POINTS_MAX", "VEHICLE_POINTS",
]  # fmt: skip

PROXIMITY_POINTS = {
    Proximity.SAME_COMMUNE: 400,
    Proximity.SAME_EPCI: 300,
    Proximity.SAME_ARRONDISSEMENT: 200,
    Proximity.SAME_DEPARTEMENT: 100,
}
SLOT_POINTS, SLOT_POINTS_MAX = 10, 30  # per weekly slot shared with the request
SKILL_POINTS = 10  # has a skill staff marked as useful for this help type
VEHICLE_POINTS = 15  # has a vehicle when the help type hints one
FAIRNESS_POINTS = [(14, 14), (7, 7), (3, 3)]  # days since last assignment → points; never assigned counts as 14
FAIRNESS_POINTS_MAX = FAIRNESS_POINTS[0][1]
# A regular help (a pairing) goes first to whoever already helped the person: the same voice every week. More than
# the gap between the nearest and the farthest tier plus every other factor, so she ranks first wherever she lives.
CONTINUITY_POINTS = 500
