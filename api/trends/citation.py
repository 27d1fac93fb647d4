"""The ``citation`` of every trend answer: text, BibTeX and a permalink pinned to its version.

The permalink is the request's own URL with ``version=`` set to the data version that
answered, so following it later gives the same figures (``api.trends.pinned``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from pydantic import BaseModel, Field

from api.provenance import Provenance

SERVICE = "Deep Learning Evolution API"


class Citation(BaseModel):
    """How to cite this answer so that it can be reproduced."""

    text: str = Field(description="The citation in words, with the data version and permalink.")
    bibtex: str = Field(description="The same as a BibTeX @misc entry.")
    permalink: str = Field(
        description="This request's URL with `version` pinned: the same figures later."
    )
    version: str = Field(description="The data version that produced the answer.")


def permalink(request: Request, version: str) -> str:
    """``request``'s URL with ``version=`` set (other parameters kept, in order)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "version"]
    params.append(("version", version))
    return str(request.url.replace(query=urlencode(params)))


def cite(request: Request, provenance: Provenance, metric: str) -> Citation:
    """The citation of a trend answer over ``metric`` from ``provenance``'s data."""
    return cite_link(permalink(request, provenance.data_version), provenance, metric)


def cite_path(path: str, provenance: Provenance, metric: str) -> Citation:
    """The citation of the answer of ``path`` (a trend endpoint without a query, as a page
    that shows its figures names it), pinned to ``provenance``'s version."""
    link = f"{path}?{urlencode([('version', provenance.data_version)])}"
    return cite_link(link, provenance, metric)


def cite_link(link: str, provenance: Provenance, metric: str) -> Citation:
    """The citation of a trend answer over ``metric`` whose pinned URL is ``link``."""
    loaded = provenance.loaded_at
    year = str(loaded.year) if loaded is not None else "n.d."
    day = loaded.date().isoformat() if loaded is not None else "unknown date"
    title = f"Trend of {metric} in notable AI models"
    text = (
        f'{SERVICE}, "{title}", data version {provenance.data_version} (loaded {day}), '
        f"{link}. {provenance.attribution}."
    )
    key = f"dle-{metric.replace('_', '-')}-{provenance.data_version}"
    bibtex = (
        f"@misc{{{key},\n"
        f"  title = {{{title}}},\n"
        f"  author = {{{{{SERVICE}}}}},\n"
        f"  year = {{{year}}},\n"
        f"  howpublished = {{\\url{{{link}}}}},\n"
        f"  note = {{Data version {provenance.data_version}, loaded {day}. "
        f"{provenance.attribution}}}\n"
        "}"
    )
    return Citation(text=text, bibtex=bibtex, permalink=link, version=provenance.data_version)
