from django.urls import path, re_path

from caseledger.web.views import actions as action_views
from caseledger.web.views import administration as admin_views
from caseledger.web.views import archive as archive_views
from caseledger.web.views import (
    attachments,
    auth,
    backups,
    cases,
    customers,
    disposition,
    files,
    history,
    identifiers,
    imports,
    journal,
    phone,
    privacy,
    reminders,
    retention,
)
from caseledger.web.views import calendar as calendar_views
from caseledger.web.views import clocks as clock_views
from caseledger.web.views import insights as insights_views
from caseledger.web.views import mail as mail_views
from caseledger.web.views import quality as quality_views
from caseledger.web.views import queue as queue_views
from caseledger.web.views import restriction as restriction_views
from caseledger.web.views import reviews as review_views
from caseledger.web.views import search as search_views
from caseledger.web.views import process, templates_admin

app_name = "web"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/password/", auth.password_change, name="password_change"),
    path("search/", search_views.search_page, name="search"),
    path("cases/", cases.case_list_view, name="case_list"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<int:batch_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/report.<str:fmt>", imports.import_report, name="import_report"),
    path("imports/<int:batch_id>/<str:verb>", imports.import_action, name="import_action"),
    path("cases/export.csv", files.case_export, name="case_export"),
    path("cases/export.xlsx", files.case_export_xlsx, name="case_export_xlsx"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/subcategories/", cases.subcategory_options, name="subcategory_options"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/", process.case_transition, name="case_transition"),
    path(
        "cases/<int:pk>/acknowledge/", process.case_acknowledge_view, name="case_acknowledge"
    ),
    path(
        "approvals/<int:pk>/<str:verb>/", process.approval_decide, name="approval_decide"
    ),
    path("cases/<int:pk>/notes/", cases.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/reply/", cases.case_reply, name="case_reply"),
    path("cases/<int:pk>/attachments/", cases.case_attachment_add, name="case_attachment_add"),
    path("cases/<int:pk>/history/", history.case_history, name="case_history"),
    path(
        "cases/<int:pk>/reply/<int:message>/retry/",
        mail_views.case_reply_retry,
        name="case_reply_retry",
    ),
    path("mail/quarantine/", mail_views.mail_quarantine, name="mail_quarantine"),
    path(
        "mail/quarantine/<int:pk>/retry/",
        mail_views.mail_quarantine_retry,
        name="mail_quarantine_retry",
    ),
    path("queue/", queue_views.queue_view, name="queue"),
    path("phone/", phone.phone_entry, name="phone_entry"),
    path("insights/", insights_views.dashboard_view, name="insights"),
    path("insights/export.csv", review_views.insights_csv, name="insights_csv"),
    path("insights/export.xlsx", review_views.insights_xlsx, name="insights_xlsx"),
    path("insights/reviews/", review_views.review_list_view, name="review_list"),
    path("insights/reviews/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("insights/reviews/<int:pk>/sign/", review_views.review_sign, name="review_sign"),
    path("insights/reviews/<int:pk>/report.html", review_views.review_html, name="review_html"),
    path("insights/reviews/<int:pk>/report.pdf", review_views.review_pdf, name="review_pdf"),
    path("insights/actions/", action_views.action_list, name="action_list"),
    path("insights/actions/<int:pk>/", action_views.action_detail, name="action_detail"),
    path("insights/actions/<int:pk>/update/", action_views.action_update, name="action_update"),
    path("notices/", clock_views.notices, name="notices"),
    path("cases/<int:pk>/take/", queue_views.case_take, name="case_take"),
    path("cases/<int:pk>/reassign/", queue_views.case_reassign, name="case_reassign"),
    path(
        "cases/<int:pk>/clocks/<str:verb>/",
        clock_views.case_clock,
        name="case_clock",
    ),
    path("cases/<int:pk>/archived/", archive_views.archived_record, name="archived_record"),
    path(
        "cases/<int:pk>/archived/restore/",
        archive_views.archived_restore,
        name="archived_restore",
    ),
    re_path(
        r"^(?P<kind>case|customer)s/(?P<pk>[0-9]+)/(?P<verb>restrict|unrestrict)/$",
        restriction_views.restriction,
        name="restriction",
    ),
    path("attachments/<int:pk>/", files.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", attachments.attachment_remove, name="attachment_remove"),
    path("customers/", customers.customer_list_view, name="customer_list"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/picker/", customers.customer_picker, name="customer_picker"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/contacts/", customers.contact_point_add, name="contact_point_add"),
    path("customers/<int:pk>/merge/", customers.customer_merge, name="customer_merge"),
    path("customers/<int:pk>/unmerge/", customers.customer_unmerge, name="customer_unmerge"),
    path("contacts/<int:pk>/reveal/", customers.contact_point_reveal, name="contact_point_reveal"),
    path(
        "customers/<int:pk>/reveal-name/",
        customers.customer_name_reveal,
        name="customer_name_reveal",
    ),
    path("customers/<int:pk>/history/", history.customer_history, name="customer_history"),
    path("customers/<int:pk>/identifiers/", identifiers.identifier_add, name="identifier_add"),
    path("identifiers/<int:pk>/reveal/", identifiers.identifier_reveal, name="identifier_reveal"),
    path("pending/<int:pk>/", privacy.pending_change_decide, name="pending_change_decide"),
    path("customers/<int:pk>/consents/", privacy.consent_grant, name="consent_grant"),
    path("consents/<int:pk>/withdraw/", privacy.consent_withdraw, name="consent_withdraw"),
    path("privacy/requests/", privacy.privacy_request_list_view, name="privacy_request_list"),
    path("privacy/requests/<int:pk>/", privacy.privacy_request_act, name="privacy_request_act"),
    path("privacy/reverify/", privacy.reverification_view, name="reverification"),
    path("privacy/quality/", quality_views.quality_view, name="quality"),
    path("privacy/quality/draw/", quality_views.quality_draw, name="quality_draw"),
    path("privacy/quality/<int:pk>/", quality_views.quality_check, name="quality_check"),
    path("backups/", backups.backups, name="backups"),
    path("administration/", admin_views.overview, name="administration"),
    path("administration/departments/new/", admin_views.department_new, name="department_new"),
    path("administration/calendar/", calendar_views.calendar_view, name="calendar"),
    path("administration/templates/", templates_admin.templates_overview, name="templates_admin"),
    path(
        "administration/templates/categories/<int:pk>/",
        templates_admin.category_edit,
        name="category_edit",
    ),
    path(
        "administration/templates/steps/<str:status>/",
        templates_admin.step_rule_edit,
        name="step_rule_edit",
    ),
    path(
        "administration/calendar/<str:verb>/",
        calendar_views.calendar_act,
        name="calendar_act",
    ),
    path(
        "administration/departments/<int:pk>/",
        admin_views.department_edit,
        name="department_edit",
    ),
    path(
        "administration/departments/<int:pk>/deactivate/",
        admin_views.department_deactivate,
        name="department_deactivate",
    ),
    path("administration/people/new/", admin_views.person_new, name="person_new"),
    path("administration/people/<int:pk>/", admin_views.person_detail, name="person_detail"),
    path(
        "administration/people/<int:pk>/password/",
        admin_views.person_password_reset,
        name="person_password_reset",
    ),
    path(
        "administration/people/<int:pk>/deactivate/",
        admin_views.person_deactivate,
        name="person_deactivate",
    ),
    path("journal/", journal.journal_list, name="journal_list"),
    path("journal/verify/", journal.journal_verify, name="journal_verify"),
    path("journal/<int:seq>/", journal.journal_entry, name="journal_entry"),
    path("retention/", retention.retention_console, name="retention"),
    path("retention/disposition/", disposition.review, name="disposition_review"),
    path("retention/disposition/propose/", disposition.propose, name="disposition_propose"),
    path("retention/disposition/<int:pk>/", disposition.batch_detail, name="disposition_batch"),
    path(
        "retention/disposition/<int:pk>/<str:verb>/",
        disposition.batch_act,
        name="disposition_act",
    ),
    path("retention/certificates/", disposition.certificates, name="disposition_certificates"),
    path(
        "retention/certificates/<str:number>/",
        disposition.certificate_print,
        name="disposition_certificate",
    ),
    path("retention/holds/", retention.hold_place_view, name="hold_place"),
    path("retention/reminders/", reminders.reminder_list, name="reminders"),
    path("retention/holds/<int:pk>/release/", retention.hold_release_view, name="hold_release"),
]
