from django.conf import settings
from django.db import models


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A notice in one person's portal inbox: a reminder, a missed deadline, ...

    ``key`` names the event the notice comes from (e.g. ``sla:notice:42``); it is unique per
    user, so a sender that retries after a crash adds nothing the second time.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        BREACH = "breach", "Deadline missed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    reference = models.CharField(max_length=40, help_text="The case's reference.")
    code = models.CharField(max_length=60, blank=True, help_text="The service level's code.")
    url = models.CharField(max_length=300, blank=True, help_text="Where the case is.")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_unique_user_key")
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.reference} {self.code}"
