"""The format of a centre number: the two capital letters of the centre's country and three
digits, e.g. ``GB001`` (see ``portal.centres.numbers``). A module of its own, below the models
that check it and the allocation that reads them."""

import re

from django.core.validators import RegexValidator

CENTRE_NUMBER = r"^[A-Z]{2}[0-9]{3}$"
CENTRE_NUMBER_MESSAGE = (
    "A centre number is the two capital letters of its country and three digits, e.g. GB001."
)
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
LAST_NUMBER = 999

validate_centre_number = RegexValidator(CENTRE_NUMBER, CENTRE_NUMBER_MESSAGE)
