import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_valid(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["version"] == "v1"
    assert "/api/v1/jeton/" in document["paths"]


def test_the_documentation_page_uses_the_bundled_swagger_ui(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "/static/ninja/swagger-ui-init.js" in page
    assert "cdn" not in page.lower()
    assert "/api/v1/openapi.json" in page


def test_the_request_schema_speaks_french_with_examples_and_says_what_is_required(client):
    document = client.get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["HelpRequestIn"]
    assert schema["required"] == [
        "requester_name", "commune", "help_type", "description", "urgency", "preferred_channel", "consent"
    ]  # fmt: skip
    assert schema["additionalProperties"] is False
    for name, field in schema["properties"].items():
        assert field.get("description"), f"{name} has no description"
    assert schema["properties"]["consent"]["examples"] == [True]
    assert "accord" in schema["properties"]["consent"]["description"]


def test_every_operation_documents_its_errors_as_problem_documents(client):
    document = client.get("/api/v1/openapi.json").json()
    post = document["paths"]["/api/v1/demandes/"]["post"]
    for status in ("401", "403", "422", "429"):
        assert post["responses"][status]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }
    assert post["parameters"][0]["name"] == "Idempotency-Key"


def test_the_idempotency_key_says_how_long_keys_are_kept_as_the_setting_does(client, settings):
    document = client.get("/api/v1/openapi.json").json()
    [header] = [
        p for p in document["paths"]["/api/v1/demandes/"]["post"]["parameters"] if p["name"] == "Idempotency-Key"
    ]
    assert f"{settings.IDEMPOTENCY_KEY_HOURS} heures" in header["description"]
