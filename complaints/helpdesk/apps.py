from django.apps import AppConfig


class QueriesConfig(AppConfig):
    # Questions from centres, answered the first time where we can, referred to a specialist
    # team where we cannot, or taken as the complaint they turn out to be.
    name = "complaints.helpdesk"
    label = "queries"
    notice_kinds = {"query": "Your queries"}
