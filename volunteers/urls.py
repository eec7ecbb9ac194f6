from django.urls import path

from volunteers import views

# entraide/urls.py mounts portal.volunteer_urls (the dashboard, proposal pages, data and account deletion) in
# this namespace too: they read proposals and applications, which this app must not import.
app_name = "volunteers"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("charte/", views.charter, name="charter"),
    path("pause/", views.pause, name="pause"),
    path("verifications/envoyer/", views.vetting_upload, name="vetting_upload"),
    path("verifications/<int:pk>/retirer/", views.vetting_withdraw, name="vetting_withdraw"),
    path("verifications/<int:pk>/fichier/", views.vetting_document_file, name="vetting_document_file"),
]
