"""The pages of the requests a partner organisation files for its residents, under the organisation's space:
entraide/urls.py mounts them with associations.urls, in the `associations` namespace
(`associations:filed_requests`…)."""

from django.urls import path

from requests_app.views import partner

urlpatterns = [
    path("<int:pk>/demandes-deposees/", partner.filed_list, name="filed_requests"),
    path("<int:pk>/demandes-deposees/nouvelle/", partner.filed_new, name="filed_request_new"),
    path("<int:pk>/demandes-deposees/<reference:reference>/", partner.filed_detail, name="filed_request"),
]
