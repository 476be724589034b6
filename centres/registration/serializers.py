from rest_framework import serializers

from centres.registration.models import QualityStandard, StandardSet


class QualityStandardSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="get_area_display", help_text="The area's title.")
    year = serializers.IntegerField(source="standard_set.year", help_text="The set's year.")

    class Meta:
        model = QualityStandard
        fields = ["code", "area", "text", "online_only", "year"]
        read_only_fields = fields


class QualityStandardFilterSerializer(serializers.Serializer):
    """The query string of the list: ``?online_only=`` and ``?year=``."""

    online_only = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="false: the standards every school meets (schools that do not teach "
        "online are assessed against these); true: those only online schools meet.",
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="A published year; the latest published year if not given.",
    )

    def validate_year(self, value):
        if not StandardSet.objects.published().filter(year=value).exists():
            raise serializers.ValidationError(f"No standards are published for {value}.")
        return value
