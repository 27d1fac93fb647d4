"""Search: the ``q`` filter of the lists (``text``) and ``/v1/search`` (routes, service)."""

from api.resources.search.text import contains_text

__all__ = ["contains_text"]
