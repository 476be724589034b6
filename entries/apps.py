from django.apps import AppConfig


class EntriesConfig(AppConfig):
    name = "entries"
    verbose_name = "Series and entries"

    def ready(self):
        from entries import demo, queries
        from portal.core.demo import register_demo_step
        from portal.core.home import register_home_section
        from portal.notifications import register_kind

        register_kind("entries", "Entries and timetables")
        register_home_section(queries.home_section)
        register_demo_step(demo.seed_entries)
        queries.connect_entries_changed()
