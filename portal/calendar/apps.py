from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "portal.calendar"
    label = "calendar"
    verbose_name = "Office calendar"
