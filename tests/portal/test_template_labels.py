"""The labels of a page's table rows (``data-label``, which small screens show beside each
cell) are translated once for the page (``{% translate "Status" as label_status %}``), never
in every row of a loop."""

from pathlib import Path

from django.conf import settings

PAGES = Path(settings.BASE_DIR) / "templates"


def test_no_page_translates_a_rows_label_in_each_row():
    in_rows = [
        str(path.relative_to(PAGES))
        for path in sorted(PAGES.rglob("*.html"))
        if "{% block content %}" in (text := path.read_text())
        and 'data-label="{% translate' in text
    ]
    assert in_rows == []
