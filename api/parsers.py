import json

from ninja.parser import Parser


class UnicodeJSONParser(Parser):
    """JSON whose strings are all text. A lone surrogate escaped as "\\ud800" is valid JSON but no character:
    PostgreSQL cannot store it, so the body is refused here (a 400 problem, as for any unreadable body) rather than
    failing when saved."""

    def parse_body(self, request):
        data = super().parse_body(request)
        json.dumps(data, ensure_ascii=False).encode()  # UnicodeEncodeError on a lone surrogate
        return data
