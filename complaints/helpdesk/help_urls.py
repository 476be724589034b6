from django.urls import path

from complaints.helpdesk import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.index, name="index"),
    path("suggest/", help_views.suggest, name="suggest"),
    path("<int:pk>/", help_views.answer, name="answer"),
]
