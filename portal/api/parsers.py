"""Request parsers of the API: DRF's, made safe against hostile bodies.

The guard middleware (``portal.guards``) already refuses NUL characters and deep nesting in
JSON bodies and in POSTed forms; these parsers hold the same line for what reaches DRF by
another road (a form sent with PUT or PATCH, which Django does not parse) and turn a
``RecursionError`` of Python's JSON parser into a 400 rather than a server error.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from portal.guards import NUL, NUL_IN_FIELD, TOO_DEEP, fields_with_nul


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if errors := fields_with_nul(data):
            raise ValidationError(errors)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        errors = fields_with_nul(result.data)
        errors.update({name: [NUL_IN_FIELD] for name, f in result.files.items() if NUL in f.name})
        if errors:
            raise ValidationError(errors)
        return result
