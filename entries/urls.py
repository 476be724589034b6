from django.urls import path

from entries import views
from entries.models import EntrySubmission
from portal.cases.views import move_urls

app_name = "entries"

urlpatterns = [
    path("", views.index, name="index"),
    path("entry/<int:pk>/", views.entry_detail, name="entry"),
    path("entry/<int:pk>/amend/", views.entry_amend, name="entry_amend"),
    path("entry/<int:pk>/withdraw/", views.entry_withdraw, name="entry_withdraw"),
    path("imports/<uuid:public_id>/", views.import_status, name="import"),
    path("submissions/<str:reference>/", views.SubmissionDetailView.as_view(), name="submission"),
    *[
        path(f"submissions/{p.pattern}", p.callback, name=p.name)
        for p in move_urls(EntrySubmission, views)
    ],
    path("<str:code>/", views.series_entries, name="series"),
    path("<str:code>/new/", views.entry_new, name="entry_new"),
    path("<str:code>/upload/", views.upload, name="upload"),
    path("<str:code>/submit/", views.submit, name="submit"),
    path("<str:code>/candidates/", views.candidates, name="candidates"),
    path("<str:code>/candidates/new/", views.candidate_new, name="candidate_new"),
    path("<str:code>/timetable/", views.timetable, name="timetable"),
    path("<str:code>/despatches/", views.despatches, name="despatches"),
    path("<str:code>/statement.csv", views.statement_csv, name="statement_csv"),
    path("<str:code>/statement.pdf", views.statement_pdf_view, name="statement_pdf"),
]
