from django.urls import path

from crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.page, name="page"),
    path("historique/", views.history, name="history"),
]
