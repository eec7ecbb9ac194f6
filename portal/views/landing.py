from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import is_staff
from requests_app.routing import assignments_of
from volunteers.models import VolunteerProfile


@login_required
def my_space(request: HttpRequest) -> HttpResponse:
    """Where a person lands after signing in: the space of the role they hold, or the choice of one."""
    user = request.user
    if is_staff(user):
        return redirect("admin:index")
    if VolunteerProfile.objects.filter(user=user).exists():
        return redirect("volunteers:dashboard")
    if user.memberships.exists():
        return redirect("associations:mine")
    if assignments_of(user).exists():  # a volunteer of an organisation's missions, without a profile
        return redirect("associations:assigned_list")
    return render(request, "portal/my_space.html")
