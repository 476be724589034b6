"""A candidate belongs to one series of a centre: a candidate entered in several series
becomes one candidate row per series (same person, same UCI), each with its own entries."""

from django.db import migrations


def split_by_series(apps, schema_editor):
    Candidate = apps.get_model("entries", "Candidate")
    Entry = apps.get_model("entries", "Entry")
    Series = apps.get_model("entries", "Series")
    latest = Series.objects.order_by("-results_release_at").first()
    for candidate in Candidate.objects.filter(series__isnull=True).order_by("pk"):
        series_ids = list(
            Entry.objects.filter(candidate=candidate)
            .order_by("series_id")
            .values_list("series_id", flat=True)
            .distinct()
        )
        if not series_ids:
            if latest is None:
                candidate.delete()
                continue
            series_ids = [latest.pk]
        candidate.series_id = series_ids[0]
        candidate.save(update_fields=["series"])
        for series_id in series_ids[1:]:
            copy = Candidate.objects.create(
                centre_id=candidate.centre_id,
                series_id=series_id,
                candidate_number=candidate.candidate_number,
                uci=candidate.uci,
                surname=candidate.surname,
                forenames=candidate.forenames,
                date_of_birth=candidate.date_of_birth,
            )
            Entry.objects.filter(candidate=candidate, series_id=series_id).update(candidate=copy)


class Migration(migrations.Migration):
    dependencies = [("entries", "0002_timetable_and_candidates_per_series")]

    operations = [
        migrations.RemoveConstraint(
            model_name="candidate", name="candidate_unique_number_per_centre"
        ),
        migrations.RunPython(split_by_series, migrations.RunPython.noop),
    ]
