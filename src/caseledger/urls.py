from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for future localized URLs)
from django.urls import include, path

from caseledger.api.urls import urlpatterns as api_urls
from caseledger.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    *api_urls,
    path("complain/", include("caseledger.intake.urls")),
    path("", include("caseledger.web.urls")),
]
