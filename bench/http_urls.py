"""The portal's URLs plus a bare view: the cheapest response this stack can give (the whole middleware chain, no
template, no query), against which the benchmark sets every page's throughput."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from entraide.urls import urlpatterns as portal


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/nu/", bare), *portal]
