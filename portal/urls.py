"""Mounted with core.urls, in the `core` namespace (entraide/urls.py): `core:my_space` is where sign-in leads."""

from django.urls import path

from portal.views import landing

urlpatterns = [
    path("mon-espace/", landing.my_space, name="my_space"),
]
