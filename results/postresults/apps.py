from django.apps import AppConfig


class PostresultsConfig(AppConfig):
    name = "results.postresults"
    label = "postresults"
    verbose_name = "Post-results services"
    notice_kinds = {"postresults": "Certificates, paper copies and statements"}
