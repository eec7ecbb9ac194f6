from django.contrib.auth.models import Group, Permission

STAFF_GROUP_NAME = "Agents du département"
# Staff handle everything the portal holds, except accounts' rights, which stay with superusers.
STAFF_GROUP_APPS = [
    "core",
    "requests_app",
    "associations",
    "volunteers",
    "matching",
    "pairings",
    "notifications",
    "pilotage",
    "campaigns",
    "crisis",  # the crisis page and the health rules
    "api",  # the organisations' API tokens and the call log
    "orders",  # the mission orders: revoked by hand when a paper is lost or misused
]


def staff_group_ensure() -> Group:
    """Creates or refreshes the group that gives département staff their permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_GROUP_APPS)
    group.permissions.add(*permissions)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename="view_user"))
    return group
