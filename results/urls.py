from django.urls import path

from results import views

app_name = "results"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.series_results, name="series"),
    path("<str:code>/results.csv", views.series_csv, name="csv"),
    path(
        "<str:code>/<str:centre>/<str:candidate_number>/statement.pdf",
        views.statement,
        name="statement",
    ),
]
