import re

from django import forms

from entries.models import Series, Syllabus
from portal.centres.models import Centre
from qa.models import GRADE_CHOICES, GRADES, QaRound

YES_NO = [("yes", "Yes"), ("no", "No")]
NUMBER = re.compile(r"^[0-9]{4}$")


class JudgementForm(forms.Form):
    """The three questions of seed 004, answered on every outcome, and the feedback."""

    process_reasonable = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Is the process followed reasonable and consistent with our guidance?",
    )
    grades_reasonable = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Are the grades given to the pieces of evidence reasonable for the performance "
        "the evidence shows?",
    )
    grades_aligned = forms.ChoiceField(
        choices=YES_NO,
        widget=forms.RadioSelect,
        label="Do the grades of the pieces of evidence align with the final school-assessed "
        "grades?",
    )
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=10000,
        label="Feedback to the centre",
    )

    def judgement(self) -> dict:
        return {name: self.cleaned_data[name] for name in QaRound.JUDGEMENT_FIELDS}


def _numbers(value: str, *, pattern=NUMBER, what: str) -> list[str]:
    found = [n for n in re.split(r"[\s,;]+", value or "") if n]
    bad = [n for n in found if not pattern.match(n)]
    if bad:
        raise forms.ValidationError(f"{', '.join(bad)}: each {what} is four digits.")
    return found


class RequestMoreForm(JudgementForm):
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        label="Feedback to the centre",
        help_text="What the centre should reconsider, and what to send.",
    )
    candidates = forms.CharField(
        max_length=20_000,
        required=False,
        label="Further candidates whose evidence you need",
        help_text="Candidate numbers, separated by commas or spaces.",
    )
    syllabus_codes = forms.CharField(
        max_length=1000,
        required=False,
        label="Other syllabuses to check",
        help_text="Syllabus codes, e.g. 0610; each gets a request of its own.",
    )

    def clean_candidates(self):
        return _numbers(self.cleaned_data["candidates"], what="candidate number")

    def clean_syllabus_codes(self):
        return _numbers(self.cleaned_data["syllabus_codes"], what="syllabus code")


class AdjustForm(JudgementForm):
    grades = forms.CharField(
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Final grades",
        help_text="One candidate a line: the candidate number and the grade, e.g. 0001 B.",
    )

    def clean_grades(self):
        grades = []
        for n, line in enumerate(self.cleaned_data["grades"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or not NUMBER.match(parts[0]) or parts[1].upper() not in GRADES:
                raise forms.ValidationError(
                    f"Line {n}: give a candidate number and one of {', '.join(GRADES)}."
                )
            grades.append({"candidate_number": parts[0], "grade": parts[1].upper()})
        if not grades:
            raise forms.ValidationError("Give at least one final grade.")
        return grades


class SampleForm(forms.Form):
    """Staff choose the centre, series and syllabus; the candidates are proposed after."""

    centre = forms.ModelChoiceField(
        queryset=Centre.objects.order_by("number"), to_field_name="number"
    )
    series = forms.ModelChoiceField(queryset=Series.objects.all(), to_field_name="code")
    syllabus = forms.ModelChoiceField(
        queryset=Syllabus.objects.all(), to_field_name="code", label="Syllabus"
    )


class SampleCandidatesForm(SampleForm):
    candidates = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Candidates whose evidence you want",
        help_text="The proposal is a spread across the grades submitted; change it as needed.",
    )
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Anything else the centre should know",
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].choices = list(choices)
        for name in ("centre", "series", "syllabus"):
            # Chosen on the step before: carried along, not asked again.
            self.fields[name].widget = forms.HiddenInput()


class GradesForm(forms.Form):
    """A grade for each candidate of a syllabus that may be given one now."""

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        for candidate in candidates:
            self.fields[f"grade_{candidate.candidate_number}"] = forms.ChoiceField(
                choices=[("", "Choose"), *GRADE_CHOICES],
                required=False,
                label=f"{candidate.candidate_number} {candidate.forenames} {candidate.surname}",
            )

    def grades(self) -> dict[str, str]:
        return {
            name.removeprefix("grade_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("grade_") and value
        }

    def clean(self):
        cleaned = super().clean()
        if not any(v for k, v in cleaned.items() if k.startswith("grade_")):
            raise forms.ValidationError("Choose a grade for at least one candidate.")
        return cleaned


class GradeImportForm(forms.Form):
    series = forms.ModelChoiceField(queryset=Series.objects.all(), to_field_name="code")
    file = forms.FileField(
        label="CSV file",
        help_text="The header candidate_number,syllabus_code,grade, then one grade a line. "
        "All the grades are saved, or none.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        if centres is not None and len(centres) > 1:
            self.fields["centre"] = forms.ModelChoiceField(
                queryset=Centre.objects.filter(pk__in=[c.pk for c in centres]),
                to_field_name="number",
            )
