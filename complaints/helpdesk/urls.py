from complaints.helpdesk.steps import QUERIES

app_name = "queries"
urlpatterns = QUERIES.urls()
