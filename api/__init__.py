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

Conventions: paths in French (`/demandes/`, `/jeton/`), JSON fields under the names of the models' and forms' fields
(`help_type`, `requester_name`), so that a validation error names the field that was sent; descriptions and examples
in French on every schema field; lists paginated with ninja's PageNumberPagination (`?page=`, `count`, `items`).
Every route needs a rule in tests/api/test_permission_matrix.py (API_RULES), public ones with `public=True`. Every
answer is `Cache-Control: private, no-store` (core.middleware.PrivateByDefaultMiddleware) unless its URL name is
listed there as public.
"""
