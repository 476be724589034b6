"""The programmes a centre may offer: the stages of the awarding body's curriculum.

A school names the programmes it wants when it registers its interest; an approved centre
offers them, and asks for more with a request to offer additional programmes."""

from django.db import models


class Programme(models.TextChoices):
    PRIMARY = "primary", "Cambridge Primary"
    LOWER_SECONDARY = "lower_secondary", "Cambridge Lower Secondary"
    UPPER_SECONDARY = "upper_secondary", "Cambridge Upper Secondary (IGCSE and O Level)"
    ADVANCED = "advanced", "Cambridge Advanced (AS and A Level)"
