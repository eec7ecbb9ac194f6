"""A check constraint's condition decided in Python, when it can be, before the database is asked.

Django validates a check constraint by asking the database (`Q.check`): one query each, in a savepoint inside a
transaction, which cost a request's filing more than its insert. Most conditions are plain comparisons of the
instance's own values (`x=""`, `y__isnull=True`, joined by AND, OR, NOT): those are decided here. Anything else
(another lookup, an expression, a NULL compared, which SQL answers with NULL) is left to the database:
`condition_holds` then answers None, and the caller asks as Django does. The condition stays the rule's only statement.
"""

from django.db.models import Q

# The values compared the same way in Python and in SQL (no NULL: SQL's three-valued logic is the database's to apply).
_PLAIN = (str, int)


def condition_holds(condition: Q, values: dict) -> bool | None:
    """Whether `condition` holds for these field values (by field name), or None when only the database can tell."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = condition_holds(child, values)
        elif isinstance(child, tuple) and len(child) == 2:
            result = _lookup_holds(*child, values)
        else:  # an expression (Q(Lower("x") == "y")...): SQL's to evaluate
            result = None
        if result is None:
            return None
        results.append(result)
    if condition.connector == Q.AND:
        holds = all(results)
    elif condition.connector == Q.OR:
        holds = any(results)
    else:  # XOR: an odd number of true children, as Django defines it on every database
        holds = sum(results) % 2 == 1
    return not holds if condition.negated else holds


def _lookup_holds(lookup: str, expected, values: dict) -> bool | None:
    name, _, kind = lookup.partition("__")
    if name not in values:
        return None
    value = values[name]
    if kind == "isnull" and isinstance(expected, bool):
        return (value is None) == expected
    if kind in ("", "exact") and isinstance(value, _PLAIN) and isinstance(expected, _PLAIN):
        return value == expected
    return None
