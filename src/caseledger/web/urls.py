from django.urls import path

from caseledger.web.views import auth, cases, customers, files, history, identifiers, journal

app_name = "web"
urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/password/", auth.password_change, name="password_change"),
    path("cases/", cases.case_list_view, name="case_list"),
    path("cases/export.csv", files.case_export, name="case_export"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/subcategories/", cases.subcategory_options, name="subcategory_options"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/status/", cases.case_transition, name="case_transition"),
    path("cases/<int:pk>/notes/", cases.case_note_add, name="case_note_add"),
    path("cases/<int:pk>/attachments/", cases.case_attachment_add, name="case_attachment_add"),
    path("cases/<int:pk>/history/", history.case_history, name="case_history"),
    path("attachments/<int:pk>/", files.attachment_download, name="attachment_download"),
    path("customers/", customers.customer_list_view, name="customer_list"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/picker/", customers.customer_picker, name="customer_picker"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/contacts/", customers.contact_point_add, name="contact_point_add"),
    path("customers/<int:pk>/history/", history.customer_history, name="customer_history"),
    path("customers/<int:pk>/identifiers/", identifiers.identifier_add, name="identifier_add"),
    path("identifiers/<int:pk>/reveal/", identifiers.identifier_reveal, name="identifier_reveal"),
    path("journal/", journal.journal_list, name="journal_list"),
    path("journal/verify/", journal.journal_verify, name="journal_verify"),
    path("journal/<int:seq>/", journal.journal_entry, name="journal_entry"),
]
