"""``version=`` on the trend endpoints: the session and provenance of the data version asked for.

Without ``version`` (or with the current one) a trend request reads the served database;
with an earlier version it reads that version's snapshot (``api.resources.meta.versions``),
so the figures are those of the day the version was served. The parameter is declared (and
documented) by ``api.trends.routes.trend_query``; these dependencies read its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from api.db.engine import SessionDep
from api.http.deps import ProvenanceDep
from api.provenance import Provenance
from api.resources.meta.versions import resolve_version, snapshot_engine

VERSION_PARAMETER = "version"
# What ``trend_query`` accepts; anything else is its 422, not a lookup here.
VERSION_PATTERN = re.compile(r"[0-9a-f]{1,64}")


def _asked(request: Request, current: Provenance) -> str | None:
    version = request.query_params.get(VERSION_PARAMETER)
    if version is None or version == current.data_version:
        return None
    return version if VERSION_PATTERN.fullmatch(version) else None


def pinned_session(
    request: Request, session: SessionDep, current: ProvenanceDep
) -> Iterator[Session]:
    """The served database's session, or one on the asked version's snapshot."""
    version = _asked(request, current)
    if version is None:
        yield session
        return
    data_version, _ = resolve_version(session, version)
    with Session(snapshot_engine(session, data_version)) as pinned:
        yield pinned


def pinned_provenance(request: Request, session: SessionDep, current: ProvenanceDep) -> Provenance:
    """The provenance of the data a trend request reads: the asked version's, if any."""
    version = _asked(request, current)
    if version is None:
        return current
    data_version, loaded = resolve_version(session, version)
    return Provenance(data_version, current.license, current.attribution, loaded_at=loaded)


PinnedSessionDep = Annotated[Session, Depends(pinned_session)]
PinnedProvenanceDep = Annotated[Provenance, Depends(pinned_provenance)]
