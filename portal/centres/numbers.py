"""Centre numbers: the two capital letters of the centre's country and three digits, e.g.
``GB001``. The same five characters open every candidate's UCI, so the format is fixed."""

from django.core.validators import RegexValidator

CENTRE_NUMBER = r"^[A-Z]{2}[0-9]{3}$"
CENTRE_NUMBER_MESSAGE = (
    "A centre number is the two capital letters of its country and three digits, e.g. GB001."
)

validate_centre_number = RegexValidator(CENTRE_NUMBER, CENTRE_NUMBER_MESSAGE)
