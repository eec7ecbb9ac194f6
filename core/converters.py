"""URL parts that must look right before any database lookup: a malformed one is a plain 404."""

from django.urls import register_converter


class PatternConverter:
    regex = ""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class TokenConverter(PatternConverter):
    regex = r"[A-Za-z0-9_-]{20,100}"


class ReferenceConverter(PatternConverter):
    regex = r"E[0-9]{2,3}-[0-9A-Z]{4}-[0-9A-Z]{4}"


class DecisionConverter(PatternConverter):
    regex = "accepter|decliner"


register_converter(TokenConverter, "token")
register_converter(ReferenceConverter, "reference")
register_converter(DecisionConverter, "decision")
