from django.urls import path

from pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exports/demandes.csv", views.export_requests, name="export_requests"),
    path("exports/benevoles.csv", views.export_volunteers, name="export_volunteers"),
    path("exports/structures.csv", views.export_associations, name="export_associations"),
    path("exports/avances.csv", views.export_advances, name="export_advances"),
    path("exports/statistiques-demandes.csv", views.export_open_data, name="export_open_data"),
]
