from rest_framework import serializers

from centres.models import Centre


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["number", "name", "country", "timezone", "status"]
