from rest_framework import serializers

from portal.centres.models import Centre


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["number", "name", "country", "timezone", "status"]
