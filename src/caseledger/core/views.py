from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from caseledger.core.health import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health()
    response = JsonResponse(report.as_dict(), status=200 if report.ok else 503)
    # An unhealthy report is an answer, not a server error: keep it out of the error log,
    # which `up` would otherwise fill while it waits for the worker's first heartbeat.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
