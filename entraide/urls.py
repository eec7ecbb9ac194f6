from django.contrib import admin
from django.urls import include, path

import api.space_urls
import associations.mission_urls
import associations.urls
import core.urls
import portal.mission_urls
import portal.urls
import portal.volunteer_urls
import requests_app.partner_urls
import requests_app.routed_urls
import volunteers.urls
from api.v1 import api_v1

# Four namespaces gather pages from an app above the one they are named after, which must not import it (the
# layers are in the README): the organisation's pages of the requests routed to it, of those it filed for its
# residents and of its API tokens, the "mon espace" landing, and the volunteer's space (dashboard, proposal pages,
# own data) beside the profile pages, and applying to a mission beside the mission pages.
associations_pages = (
    associations.urls.urlpatterns
    + requests_app.routed_urls.urlpatterns
    + requests_app.partner_urls.urlpatterns
    + api.space_urls.urlpatterns,
    associations.urls.app_name,
)
core_pages = (core.urls.urlpatterns + portal.urls.urlpatterns, core.urls.app_name)
volunteers_pages = (volunteers.urls.urlpatterns + portal.volunteer_urls.urlpatterns, volunteers.urls.app_name)
# Applying to a mission reads the volunteer's profile (vetting, age, protective rule): from portal, beside the mission
# pages.
mission_pages = (
    associations.mission_urls.urlpatterns + portal.mission_urls.urlpatterns,
    associations.mission_urls.app_name,
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("api/", include("api.urls")),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(core_pages)),
    path("", include("requests_app.urls")),
    path("associations/", include(associations_pages)),
    path("benevoles/", include(volunteers_pages)),
    path("", include("orders.urls")),
    path("crise/", include("crisis.urls")),
    path("pilotage/", include("pilotage.urls")),
    path("campagnes/", include("campaigns.urls")),
    path("sms/", include("notifications.urls")),
    path("", include(mission_pages)),
]
