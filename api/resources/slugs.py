"""One record by its slug: the canonical slug answers, another spelling redirects.

``/v1/<resource>/{slug}`` answers the record for its canonical slug. A slug in
another case, or a model's alias (api/tables/ml_model.py ``ModelAlias``), is a 308
redirect to the canonical URL, query string kept. An unknown slug is a 404 whose
detail suggests the closest slugs and aliases:

1. those whose *key* (its letters and digits, ``api.listing.suggest.key``) is the key
   asked for;
2. those whose key starts with it, then those that contain it (shorter first);
3. those within a small edit distance of it (``api.listing.suggest.edit_distance``, a
   third of its length, at least 2; nearer first);

ties by slug, at most ``MAX_SUGGESTIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Mapped, Session

from api.errors import FieldError, NotFoundError
from api.listing.suggest import edit_distance, key

MAX_SUGGESTIONS = 5

SLUG_REDIRECT_RESPONSES: dict[int | str, dict[str, Any]] = {
    308: {
        "description": "The slug in another case, or an alias: `Location` is the canonical "
        "URL (same query string).",
        "headers": {
            "Location": {"description": "The canonical URL.", "schema": {"type": "string"}}
        },
    }
}


@dataclass(frozen=True)
class Found:
    """The record exists under ``slug`` (``redirect``: not under the slug asked for)."""

    slug: str
    redirect: bool


def suggest(asked: str, candidates: Iterable[str], limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The candidates closest to ``asked``, by the rule of this module's docstring."""
    wanted = key(asked)
    most = max(2, len(wanted) // 3)
    ranked: list[tuple[int, int, str]] = []
    for candidate in set(candidates):
        candidate_key = key(candidate)
        if not wanted or not candidate_key:
            continue
        if candidate_key == wanted:
            ranked.append((0, 0, candidate))
        elif candidate_key.startswith(wanted):
            ranked.append((1, len(candidate_key), candidate))
        elif wanted in candidate_key:
            ranked.append((2, len(candidate_key), candidate))
        elif (distance := edit_distance(wanted, candidate_key, most)) <= most:
            ranked.append((3, distance, candidate))
    return [candidate for *_, candidate in sorted(ranked)[:limit]]


def not_found(noun: str, slug: str, candidates: Mapping[str, str]) -> NotFoundError:
    """A 404 for ``slug`` suggesting the closest of ``candidates`` (name -> canonical slug)."""
    closest: list[str] = []
    for name in suggest(slug, candidates, limit=len(candidates)):
        if candidates[name] not in {candidates[other] for other in closest}:
            closest.append(name)
        if len(closest) == MAX_SUGGESTIONS:
            break
    shown = [
        name if candidates[name] == name else f"{name} (alias of {candidates[name]})"
        for name in closest
    ]
    hint = f" Did you mean: {', '.join(shown)}?" if shown else ""
    message = f"did you mean {', '.join(shown)}?" if shown else "no similar slug"
    return NotFoundError(
        f"No {noun} with slug {slug!r}.{hint}",
        errors=[
            FieldError(
                loc=["path", "slug"],
                msg=message,
                type="unknown_slug",
                suggestions=closest or None,  # each a slug or an alias: both are answered
            )
        ],
    )


def redirect_to(request: Request, slug: str) -> Response:
    """308 to the same path with the last segment replaced by ``slug``, query kept."""
    parent = request.url.path.rsplit("/", 1)[0]
    return RedirectResponse(str(request.url.replace(path=f"{parent}/{quote(slug)}")), 308)


def find_slug(
    session: Session, slugs: ColumnElement[str] | Mapped[str], noun: str, slug: str
) -> Found:
    """Where the ``noun`` asked for as ``slug`` is in the column ``slugs`` (its slug in any
    case: a redirect); a 404 with the closest slugs otherwise."""
    found: str | None = session.execute(
        select(slugs).where(slugs.in_({slug, slug.lower()})).order_by(slugs)
    ).scalar()
    if found is not None:
        return Found(found, redirect=found != slug)
    known = session.execute(select(slugs)).scalars()
    raise not_found(noun, slug, {name: name for name in known})
