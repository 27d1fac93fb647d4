"""The static files of the pages and the policies that let them load nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Final

STATIC_DIR: Final = Path(__file__).resolve().parent / "static"
TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
STATIC_PREFIX: Final = "/static/pages"

# The minified builds vendored from npm (static/VENDORED.md), in load order. Their names
# carry their versions, so they never change under a URL.
VENDORED_SCRIPTS: Final = (
    "vega-6.2.0.min.js",
    "vega-lite-6.4.1.min.js",
    "vega-embed-7.0.2.min.js",
)
IMMUTABLE: Final = "public, max-age=31536000, immutable"

_COMMON = ("base-uri 'none'", "form-action 'none'")
# The home page: its stylesheet and its images (the SVG charts), nothing else, no framing.
HOME_POLICY: Final = "; ".join(
    ["default-src 'none'", "style-src 'self'", "img-src 'self'", *_COMMON, "frame-ancestors 'none'"]
)
# The embed page: the vendored scripts and its own (no inline script: the specification
# is a JSON data block), vega-embed's image exports (data:, blob:); any site may frame it.
EMBED_POLICY: Final = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        *_COMMON,
        "frame-ancestors *",
    ]
)
