from django.contrib.auth.models import AbstractUser
from django.db import models

from portal.zones import validate_time_zone


class User(AbstractUser):
    """A person who signs in: an exams officer of one or more centres, or staff.

    Staff of the awarding body have ``is_staff`` and belong to role groups (see roles.py);
    exams officers reach their centres through ``centres.Membership``.
    """

    email = models.EmailField("email address", blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Shown times use this zone; blank means the zone of the user's first centre.",
    )

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def has_two_factor(self) -> bool:
        from django_otp import user_has_device

        return user_has_device(self, confirmed=True)

    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())
