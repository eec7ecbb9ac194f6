"""Mounted with core.urls, in the `core` namespace (entraide/urls.py): `core:my_space` is where sign-in leads."""

from django.urls import path

from portal import views

urlpatterns = [
    path("mon-espace/", views.my_space, name="my_space"),
]
