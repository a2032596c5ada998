"""Where a request's time goes: the share of each layer of `POST /api/v1/cases`,
`POST /api/v1/intake`, `GET /api/v1/cases` and a case page, from cProfile's cumulative
times over N requests through Django's full handler (middleware, URL routing, ninja,
authentication, validation, service, rendering).

    .venv/bin/python bench/request_profile.py [--quick]

Judged by the shares, not the seconds (the profiler slows everything alike): what is not the
service is what a faster API can still cut.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import ingest

# (layer, (file suffix, function name)): cumulative time of that function per request.
LAYERS = [
    ("whole request (handler)", ("django/core/handlers/base.py", "get_response")),
    ("ninja operation", ("ninja/operation.py", "run")),
    ("  token authentication", ("ninja/operation.py", "_run_authentication")),
    ("    lockout check (axes)", ("caseledger/accounts/throttle.py", "token_allowed")),
    ("    token lookup", ("caseledger/accounts/services/tokens.py", "token_authenticate")),
    ("  input parsing + validation", ("ninja/operation.py", "_get_values")),
    ("  response rendering", ("ninja/operation.py", "_result_to_response")),
    ("  idempotency wrapper", ("caseledger/api/idempotency.py", "create")),
    ("  service: case_create", ("caseledger/cases/services/records.py", "case_create")),
    ("  service: intake_record", ("caseledger/intake/services.py", "intake_record")),
    ("    requester match", ("caseledger/intake/services.py", "_match")),
    ("  query: case_list", ("caseledger/cases/queries.py", "case_list")),
    ("  pagination", ("caseledger/api/pagination.py", "paginate")),
    ("  template rendering", ("django/template/base.py", "render")),
    ("  web view: case_detail", ("caseledger/web/views/cases.py", "case_detail")),
    ("session + user (web)", ("django/contrib/auth/middleware.py", "get_user")),
    ("SQL execution", ("django/db/backends/utils.py", "execute")),
    ("SQL execution (many)", ("django/db/backends/utils.py", "executemany")),
    ("commit (the fsync at FULL)", ("django/db/backends/base/base.py", "_commit")),
]


def cumulative(stats: pstats.Stats) -> dict[str, float]:
    found: dict[str, float] = {}
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        for label, (suffix, func) in LAYERS:
            if name == func and filename.endswith(suffix):
                found[label] = found.get(label, 0.0) + row[3]
    return found


def profile(label: str, call, count: int) -> None:
    call()  # warm: first-call imports and caches are not the steady state
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        call()
    profiler.disable()
    times = cumulative(pstats.Stats(profiler))
    total = times.get("whole request (handler)", 0.0)
    print(f"\n{label}: {total / count * 1000:.2f} ms per request under the profiler")
    for name, _ in LAYERS:
        if name in times and total:
            print(f"  {name:<32} {times[name] / total * 100:5.1f} %")


def main() -> None:
    args = common.parser(__doc__.splitlines()[0]).parse_args()
    count = 50 if args.quick else 400
    with common.data_dir("profile", keep=args.keep):
        common.django_setup()
        target = ingest.prepare()
        from django.test import Client

        api = Client(HTTP_AUTHORIZATION=f"Bearer {target['token']}", HTTP_HOST="127.0.0.1")
        case_body = json.dumps(
            {**ingest.CASE, "department": "sales", "customer": target["customer"]}
        )
        n = iter(range(30_000_000, 40_000_000))

        def post_case():
            r = api.post("/api/v1/cases", case_body, content_type="application/json")
            assert r.status_code == 201, r.content

        def post_intake():
            body = json.dumps(ingest.intake_body(next(n)))
            r = api.post("/api/v1/intake", body, content_type="application/json")
            assert r.status_code == 201, r.content

        def list_cases():
            r = api.get("/api/v1/cases", {"limit": 50})
            assert r.status_code == 200, r.content

        profile("POST /api/v1/cases", post_case, count)
        profile("POST /api/v1/intake", post_intake, count)
        profile("GET /api/v1/cases (50 per page)", list_cases, count)

        from caseledger.cases.models import Case

        web = Client(HTTP_HOST="127.0.0.1")
        web.force_login(target["agent"])
        pk = Case.objects.order_by("-pk").values_list("pk", flat=True)[0]

        def case_page():
            r = web.get(f"/cases/{pk}/")
            assert r.status_code == 200, r.status_code

        profile("case page (web)", case_page, count // 2)


if __name__ == "__main__":
    main()
