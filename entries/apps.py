from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Series and entries"
    notice_kinds = {"entries": "Entries and timetables"}

    def ready(self):
        from entries import queries
        from portal.core.home import register_home_section

        register_home_section(queries.home_section)
        queries.connect_entries_changed()
