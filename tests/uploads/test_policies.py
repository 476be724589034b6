import pytest
from django.core.exceptions import ImproperlyConfigured

from complaints.attachments import ATTACHMENTS
from portal.uploads.policies import MB, FileRule, UploadPolicy, format_size, group
from tests.uploads.policies import QA_EVIDENCE


def test_policy_without_rules_is_refused():
    with pytest.raises(ImproperlyConfigured, match="accepts nothing"):
        UploadPolicy("nothing", [])


def test_policy_declaring_a_type_twice_is_refused():
    rules = [
        FileRule("application/pdf", [".pdf"], "PDF", MB),
        FileRule("application/pdf", [".pdf"], "Presentation", MB),
    ]
    with pytest.raises(ImproperlyConfigured, match="application/pdf declared twice"):
        UploadPolicy("twice", rules)


def test_rule_with_extension_without_dot_is_refused():
    with pytest.raises(ImproperlyConfigured, match="with their dot"):
        FileRule("application/pdf", ["pdf"], "PDF", MB)


def test_rule_extensions_and_types_are_lower_case():
    rule = FileRule("Image/PNG", [".PNG"], "image", MB)
    assert (rule.content_type, rule.extensions) == ("image/png", (".png",))


def test_complaint_policy_reads_its_limit_from_the_setting(settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 2 * MB
    assert ATTACHMENTS.largest == 2 * MB
    assert ATTACHMENTS.describe() == (
        "PDF (.pdf); Word document (.doc, .docx); image (.png, .jpg, .jpeg, .gif, .webp), "
        "up to 2 MB each"
    )


def test_complaint_policy_accepts_its_current_types():
    assert ATTACHMENTS.accept == ".pdf,.doc,.docx,.png,.jpg,.jpeg,.gif,.webp"
    assert ATTACHMENTS.field == "attachments"


def test_published_table_has_one_limit_for_images_and_another_for_the_rest():
    assert QA_EVIDENCE.rule_for("image/png").limit == 15 * MB
    assert QA_EVIDENCE.rule_for("video/mp4").limit == 5 * 1024 * MB
    assert "Images (.jpg, .jpeg, .jfif, .png, .tif" in QA_EVIDENCE.describe()
    assert "up to 15 MB" in QA_EVIDENCE.describe()


def test_extension_in_two_groups_answers_both_rules():
    policy = UploadPolicy(
        "media",
        [
            *group("Audio", MB, {"audio/3gpp2": [".3g2"]}),
            *group("Video", 2 * MB, {"video/3gpp2": [".3g2"]}),
        ],
    )
    assert [rule.label for rule in policy.rules_for_extension(".3G2")] == ["Audio", "Video"]


@pytest.mark.parametrize(
    ("size", "text"),
    [(512, "512 bytes"), (1536, "1.5 KB"), (10 * MB, "10 MB"), (5 * 1024 * MB, "5 GB")],
)
def test_format_size_reads_as_people_write_it(size, text):
    assert format_size(size) == text
