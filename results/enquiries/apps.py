from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "results.enquiries"
    label = "enquiries"
    verbose_name = "Enquiries about results"
