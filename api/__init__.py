"""The open API (django-ninja), for the software of partner organisations: a commune's website, a home-help
service's planning tool, the State's volunteering platform.

- `api.v1.api_v1`: the NinjaAPI instance, mounted at /api/v1/ (OpenAPI document at /api/v1/openapi.json, Swagger
  UI at /api/docs/). A router is mounted there with `api_v1.add_router("/missions/", missions.router)`.
- `api.auth.TokenAuth(scope)`: how an operation requires a scope (`auth=TokenAuth(Scope.MISSIONS_WRITE)`); the
  token is then `request.auth` (an `api.models.ApiToken`) and its organisation `request.auth.organisation` (an
  `associations.Association`, validated). `auth=None` makes a route public. The module's docstring says more.
- `api.problems.Problem(status, detail, slug=..., errors=...)`: raise it for any error; every error leaves as an
  RFC 9457 problem document in French (`application/problem+json`).
- `api.middleware.ApiMiddleware`: rewrites errors that never reached ninja as problems, and logs every call made
  with a known token (`api.models.ApiCall`).
"""
