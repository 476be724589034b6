from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from centres.registration.models import Area, QualityStandard, StandardSet
from tests.centres.registration.loading import migration

ONLINE_ONLY = {"ML6", "TL4", "TL6", "OP1", "OP2", "OP3", "OP4", "LR2"}


def test_migration_loads_26_published_standards_of_2026(standards):
    standard_set = StandardSet.objects.get(year=2026)

    assert standard_set.published is True
    assert standard_set.standards.count() == 26


def test_migration_loads_each_area_with_its_count(standards):
    counts = Counter(
        QualityStandard.objects.filter(standard_set__year=2026).values_list("area", flat=True)
    )

    assert [counts[area] for area in Area] == [4, 7, 7, 4, 4]


def test_migration_marks_online_teaching_and_digital_safety_online_only(standards):
    online = QualityStandard.objects.filter(standard_set__year=2026, online_only=True)

    assert set(online.values_list("code", flat=True)) == ONLINE_ONLY


def test_migration_codes_run_by_area_then_number(standards):
    codes = list(
        QualityStandard.objects.filter(standard_set__year=2026).values_list("code", flat=True)
    )

    assert codes[:5] == ["MV1", "MV2", "MV3", "MV4", "ML1"]
    assert codes[-1] == "LR4"


def test_migration_keeps_the_text_of_the_seed(standards):
    standard = QualityStandard.objects.get(standard_set__year=2026, code="LR2")

    assert standard.text.startswith("The school must provide evidence of policies and approach")
    assert standard.get_area_display() == "Legal requirements"


def test_parse_refuses_a_number_out_of_order():
    with pytest.raises(ValueError, match="line 2: expected number 1"):
        migration.parse("== MV The school’s mission and educational values\n3. A standard.\n")


def test_parse_refuses_an_unknown_area():
    with pytest.raises(ValueError, match="unknown area"):
        migration.parse("== XX Something else\n1. A standard.\n")


def test_standard_clean_refuses_a_code_that_is_not_its_area_and_number(standards):
    standard = QualityStandard(
        standard_set=StandardSet.objects.get(year=2026), code="TL9", area=Area.TEACHING, number=8
    )

    with pytest.raises(ValidationError, match="TL8"):
        standard.clean()
