from rest_framework import serializers

from entries.models import Series


class SeriesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Series
        fields = ["code", "name", "entry_deadline", "results_release_at"]
