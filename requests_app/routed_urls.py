"""The organisation-side pages of routed requests, under the organisation's space: entraide/urls.py mounts them
with associations.urls, in the `associations` namespace (`associations:routed`…). Beside them, the pages of the
person a member passed a request to (`associations:assigned`…): a member or a volunteer of the organisation, who
reaches them from the organisation's space, the volunteer's space or the email that told them."""

from django.urls import path

from requests_app.views import advances, routed

urlpatterns = [
    path("<int:pk>/demandes/<reference:reference>/", routed.routed_detail, name="routed"),
    path("<int:pk>/demandes/<reference:reference>/terminer/", routed.routed_complete, name="routed_complete"),
    path("<int:pk>/demandes/<reference:reference>/rendre/", routed.routed_hand_back, name="routed_hand_back"),
    path("<int:pk>/demandes/<reference:reference>/confier/", routed.routed_assign, name="routed_assign"),
    path("<int:pk>/demandes/<reference:reference>/reprendre/", routed.routed_unassign, name="routed_unassign"),
    # Shopping advances of the requests the organisation filed or was routed (requests_app/views/advances.py).
    path("<int:pk>/avances/", advances.organisation_advance_list, name="advances"),
    path("<int:pk>/avances/<int:advance_pk>/", advances.organisation_advance_detail, name="advance"),
    path("<int:pk>/avances/<int:advance_pk>/ticket/", advances.organisation_advance_receipt, name="advance_receipt"),
    path("<int:pk>/avances/<int:advance_pk>/<slug:step>/", advances.organisation_advance_step, name="advance_step"),
    path("demandes-confiees/", routed.assigned_list, name="assigned_list"),
    path("demandes-confiees/<reference:reference>/", routed.assigned_detail, name="assigned"),
    path("demandes-confiees/<reference:reference>/fait/", routed.assigned_done, name="assigned_done"),
    path("demandes-confiees/<reference:reference>/impossible/", routed.assigned_unable, name="assigned_unable"),
]
