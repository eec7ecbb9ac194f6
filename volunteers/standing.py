"""The weights of the matching score that the volunteer's stored standing (`VolunteerProfile.standing`) adds up:
the part that depends neither on the request nor on the clock. The other weights are in `matching.weights`,
which re-exports these: the generated column needs them here, below the matching."""

LOAD_PENALTY = 5  # per request the volunteer already follows
RECORD_POINTS_MAX = 10  # one per completed help, so reliable people come first, without locking newcomers out
