from __future__ import annotations


def htmx(field: str = "") -> dict[str, str]:
    """Headers htmx sends when a form field triggers the request."""
    headers = {"HX-Request": "true"}
    if field:
        headers["HX-Trigger-Name"] = field
    return headers
