from ninja.renderers import JSONRenderer


class FrenchJSONRenderer(JSONRenderer):
    # "Réception" rather than "R\u00e9ception": the same JSON, readable by whoever reads it in a terminal.
    json_dumps_params = {"ensure_ascii": False}
