from django.views.decorators.http import require_safe

from api.v1 import api_v1


@require_safe
def docs(request):
    """The API's documentation (Swagger UI from ninja's own static files, no CDN), outside the versioned prefix so
    that its address stays when a v2 comes."""
    return api_v1.docs.render_page(request, api_v1)
