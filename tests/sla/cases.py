"""A case for the clock tests, without a table of its own.

The service-level engine works with any model that has ``reference``, ``centre`` and
``get_absolute_url()``. Rather than install a test-only app (and its migrations) just for
these tests, an ``Entry`` is seen as a case through a proxy model: a real row of a real
table, with the three attributes a case needs.
"""

from entries.models import Entry


class EntryCase(Entry):
    class Meta:
        proxy = True
        app_label = "entries"

    @property
    def reference(self) -> str:
        return f"ENT-{self.pk:06d}"

    @property
    def centre(self):
        return self.candidate.centre

    def get_absolute_url(self) -> str:
        return f"/entries/{self.pk}/"
