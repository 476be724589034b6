from complaints.helpdesk.steps import QUERIES

QueryViewSet = QUERIES.serve_api()
