"""The organisation's API tokens, under its space: entraide/urls.py mounts them with associations.urls, in the
`associations` namespace (`associations:api_tokens`…)."""

from django.urls import path

from api import space

urlpatterns = [
    path("<int:pk>/api/", space.token_list, name="api_tokens"),
    path("<int:pk>/api/<int:token_pk>/revoquer/", space.token_revoke, name="api_token_revoke"),
]
