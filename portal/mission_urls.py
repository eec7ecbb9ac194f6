"""Mission pages that read the volunteer's profile: entraide/urls.py mounts them with associations.mission_urls in
the `missions` namespace."""

from django.urls import path

from portal.views import missions

urlpatterns = [
    path("missions/<int:pk>/candidater/", missions.mission_apply, name="apply"),
]
