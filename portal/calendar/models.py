from django.db import models


class ClosureDay(models.Model):
    """A day the awarding body's offices are closed beyond weekends and bank holidays."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%a %d %b %Y}: {self.reason}"
