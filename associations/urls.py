from django.urls import path

from associations.views import public, space

# Mounted with requests_app.routed_urls under one namespace, in entraide/urls.py: the pages of requests routed to
# an organisation sit in its space, but their code is requests_app's, which this app must not import.
app_name = "associations"

urlpatterns = [
    path("", public.directory, name="directory"),
    path("annuaire/<int:pk>/", public.association_public, name="public"),
    path("inscription/", space.register, name="register"),
    path("mes-structures/", space.my_associations, name="mine"),
    path("actualites/", space.news, name="news"),
    path("invitation/<token:token>/", space.invitation, name="invitation"),
    path("<int:pk>/", space.space, name="space"),
    path("<int:pk>/membres/", space.members, name="members"),
    path("<int:pk>/membres/<int:membership_pk>/retirer/", space.member_remove_view, name="member_remove"),
    path("<int:pk>/missions/nouvelle/", space.mission_edit, name="mission_new"),
    path("<int:pk>/missions/<int:mission_pk>/modifier/", space.mission_edit, name="mission_edit"),
    path("<int:pk>/missions/<int:mission_pk>/<slug:action>/", space.mission_action, name="mission_action"),
    path("<int:pk>/candidatures/", space.applications, name="applications"),
    path(
        "<int:pk>/candidatures/<int:application_pk>/<decision:decision>/",
        space.application_decision,
        name="application_decision",
    ),
    path("<int:pk>/actualites/nouvelle/", space.news_create, name="news_create"),
]
