"""The API describes itself, and answers in JSON everywhere under /api/v1/."""

from __future__ import annotations

import json


def test_openapi_document_lists_every_path(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "caseledger"
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) >= {
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/notes",
        "/api/v1/cases/{case_id}/attachments",
        "/api/v1/cases/{case_id}/history",
        "/api/v1/attachments/{attachment_id}",
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/customers/{customer_id}/contact-points",
        "/api/v1/customers/{customer_id}/history",
        "/api/v1/history/{object_type}/{object_id}",
    }
    assert "bearer" in json.dumps(document["components"]["securitySchemes"]).lower()
    case_out = document["components"]["schemas"]["CaseOut"]["properties"]
    assert "password" not in json.dumps(document)
    assert {"reference", "department", "assignee", "customer"} <= set(case_out)
    create_params = document["paths"]["/api/v1/cases"]["post"]["parameters"]
    assert "Idempotency-Key" in [p["name"] for p in create_params]


def test_docs_page_loads_its_assets_from_this_server(client, db):
    page = client.get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        assert client.get(f"/api/v1/docs/assets/{asset}").status_code == 200
    assert client.get("/api/v1/docs/assets/secret.py").status_code == 404


def test_unknown_paths_and_methods_answer_in_json(people, api_as):
    api = api_as(people.agent)

    unknown = api.get("/no-such-thing")
    wrong_method = api.client.delete("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {api.secret}")

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong_method["Allow"]
