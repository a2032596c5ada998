from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from caseledger.core.health import health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = health()
    return JsonResponse(report.as_dict(), status=200 if report.ok else 503)
