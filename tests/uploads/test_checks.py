import pytest

from complaints.attachments import ATTACHMENTS
from portal.errors import UploadRefused, UploadTooLarge
from portal.uploads.checks import check_announced, check_file, detect_type, display_name
from portal.uploads.policies import GB, MB
from tests.uploads.conftest import upload
from tests.uploads.policies import QA_EVIDENCE
from tests.uploads.samples import DOCX, EXE, HTML, MP4, PDF, PNG, PPTX, zip_of


def test_check_file_pdf_is_accepted_with_its_detected_type():
    checked = check_file(upload("letter.pdf", PDF, announced="text/html"), policy=ATTACHMENTS)
    assert (checked.name, checked.content_type, checked.size) == (
        "letter.pdf",
        "application/pdf",
        len(PDF),
    )


def test_check_file_html_named_pdf_is_refused_415():
    with pytest.raises(UploadRefused) as refused:
        check_file(upload("evil.pdf", HTML), policy=ATTACHMENTS)
    assert refused.value.status == 415
    assert refused.value.field == "attachments"
    assert refused.value.message.startswith(
        "evil.pdf cannot be accepted: its content is of the type text/html"
    )
    assert "Accepted: PDF (.pdf); Word document (.doc, .docx); image" in refused.value.message


def test_check_file_exe_is_refused_by_its_extension():
    with pytest.raises(UploadRefused, match=r"setup.exe cannot be accepted: .exe files are not"):
        check_file(upload("setup.exe", EXE), policy=ATTACHMENTS)


def test_check_file_program_named_pdf_is_refused_by_its_content():
    with pytest.raises(UploadRefused, match="application/vnd.microsoft.portable-executable"):
        check_file(upload("report.pdf", EXE), policy=ATTACHMENTS)


def test_check_file_png_named_pdf_is_refused_as_a_mismatch():
    with pytest.raises(UploadRefused) as refused:
        check_file(upload("scan.pdf", PNG), policy=ATTACHMENTS)
    assert refused.value.message.startswith(
        "scan.pdf cannot be accepted: its name says .pdf but its content is image (.png)."
    )


def test_check_file_pdf_named_png_is_refused_as_a_mismatch():
    with pytest.raises(UploadRefused, match="its name says .png but its content is PDF"):
        check_file(upload("scan.png", PDF), policy=ATTACHMENTS)


def test_check_file_without_extension_is_refused():
    with pytest.raises(UploadRefused, match="A file without an extension is not accepted"):
        check_file(upload("letter", PDF), policy=ATTACHMENTS)


def test_check_file_empty_is_refused():
    with pytest.raises(UploadRefused, match="^empty.pdf is empty."):
        check_file(upload("empty.pdf", b""), policy=ATTACHMENTS)


def test_check_file_over_the_limit_is_413(settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(UploadTooLarge) as refused:
        check_file(upload("big.pdf", PDF + b"0" * 2048), policy=ATTACHMENTS)
    assert refused.value.status == 413
    assert refused.value.message.startswith("big.pdf is 2.1 KB; the limit is 1 KB.")


def test_check_file_image_over_its_own_limit_is_413_where_others_may_be_larger(settings):
    image = upload("photo.png", PNG + b"\x00" * (15 * MB))
    with pytest.raises(UploadTooLarge, match="photo.png is 15.0 MB; the limit for Images is 15 MB"):
        check_file(image, policy=QA_EVIDENCE)


def test_check_file_same_size_as_a_video_is_accepted():
    video = upload("lesson.mp4", MP4 + b"\x00" * (15 * MB))
    assert check_file(video, policy=QA_EVIDENCE).content_type == "video/mp4"


def test_check_file_docx_is_named_from_its_manifest():
    checked = check_file(upload("essay.docx", DOCX), policy=ATTACHMENTS)
    assert checked.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_check_file_plain_zip_named_docx_is_refused():
    with pytest.raises(UploadRefused, match="its content is of the type application/zip"):
        check_file(
            upload("essay.docx", zip_of(**{"word/document.xml": b"<w/>"})), policy=ATTACHMENTS
        )


def test_check_file_presentation_named_docx_is_refused_as_a_mismatch():
    with pytest.raises(UploadRefused, match="its name says .docx but its content is Presentation"):
        check_file(upload("essay.docx", PPTX), policy=QA_EVIDENCE)


def test_check_file_program_and_page_accepted_where_the_table_lists_them():
    program = check_file(upload("simulation.exe", EXE), policy=QA_EVIDENCE)
    page = check_file(upload("site.html", HTML), policy=QA_EVIDENCE)
    assert (program.content_type, page.content_type) == (
        "application/vnd.microsoft.portable-executable",
        "text/html",
    )


def test_check_file_extension_is_case_insensitive():
    assert check_file(upload("LETTER.PDF", PDF), policy=ATTACHMENTS).name == "LETTER.PDF"


def test_check_announced_refuses_type_and_size_before_any_byte():
    with pytest.raises(UploadRefused, match="its type is not accepted"):
        check_announced("tool.dll", 100, policy=QA_EVIDENCE)
    with pytest.raises(UploadTooLarge, match="the limit for Images is 15 MB"):
        check_announced("photo.jpg", 16 * MB, policy=QA_EVIDENCE)
    with pytest.raises(UploadTooLarge, match="the limit for Video is 5 GB"):
        check_announced("lesson.mp4", 6 * GB, policy=QA_EVIDENCE)


def test_check_announced_answers_the_rules_the_file_may_match():
    rules = check_announced("lesson.mp4", 4 * GB, policy=QA_EVIDENCE)
    assert [rule.content_type for rule in rules] == ["video/mp4"]


def test_detect_type_leaves_the_file_at_its_start():
    file = upload("essay.docx", DOCX)
    detect_type(file)
    assert file.read(2) == b"PK"


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\me\\letter.pdf", "letter.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bad\r\nname.pdf", "badname.pdf"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_display_name_keeps_only_a_safe_last_part(sent, shown):
    assert display_name(sent) == shown
