"""Load the 2026 registration quality standards from ``registration/data/standards-2026.txt``.

The file is parsed here rather than by the app's code, so that this migration keeps
working whatever the models become later.
"""

import re
from pathlib import Path

from django.db import migrations

YEAR = 2026
DATA = Path(__file__).resolve().parent.parent / "data" / f"standards-{YEAR}.txt"

# The areas as they stood when this migration was written (Area in models.py).
AREAS = {
    "MV": (1, "The school’s mission and educational values"),
    "ML": (2, "School management and leadership"),
    "TL": (3, "Quality of teaching and learning"),
    "OP": (4, "The online provision of the school"),
    "LR": (5, "Legal requirements"),
}
HEADING = re.compile(r"^== (?P<initials>[A-Z]{2}) (?P<title>.+)$")
STANDARD = re.compile(r"^(?P<number>[1-9][0-9]*)\. (?P<online>\[online\] )?(?P<text>\S.*)$")


def parse(text: str) -> list[dict]:
    """The standards of the file, in order; a line that fits no rule stops the migration."""
    standards, initials = [], None
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if heading := HEADING.match(line):
            initials = heading["initials"]
            if AREAS.get(initials, (None, None))[1] != heading["title"]:
                raise ValueError(f"{DATA.name}, line {line_number}: unknown area {line!r}.")
            expected = 1
            continue
        standard = STANDARD.match(line)
        if standard is None or initials is None:
            raise ValueError(f"{DATA.name}, line {line_number}: not a standard: {line!r}.")
        number = int(standard["number"])
        if number != expected:
            raise ValueError(f"{DATA.name}, line {line_number}: expected number {expected}.")
        expected += 1
        standards.append(
            {
                "code": f"{initials}{number}",
                "area": AREAS[initials][0],
                "number": number,
                "text": standard["text"],
                "online_only": bool(standard["online"]),
            }
        )
    return standards


def load(apps, schema_editor):
    StandardSet = apps.get_model("registration", "StandardSet")
    QualityStandard = apps.get_model("registration", "QualityStandard")
    standards = parse(DATA.read_text(encoding="utf-8"))
    standard_set, _ = StandardSet.objects.get_or_create(year=YEAR, defaults={"published": True})
    for standard in standards:
        QualityStandard.objects.update_or_create(
            standard_set=standard_set, code=standard.pop("code"), defaults=standard
        )


def unload(apps, schema_editor):
    apps.get_model("registration", "StandardSet").objects.filter(year=YEAR).delete()


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
