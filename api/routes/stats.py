"""``/v1/stats``: headline figures over the whole dataset."""

from __future__ import annotations

from fastapi import APIRouter

from api.db import SessionDep
from api.errors import problem_responses
from api.http import JSONBody
from api.routes.deps import ProvenanceDep
from api.schemas.trends import SummaryResponse
from api.services.trend_summary import get_summary

router = APIRouter(prefix="/v1/stats", tags=["stats"])


@router.get(
    "/summary",
    operation_id="get_stats_summary",
    summary="Headline figures",
    response_model=SummaryResponse,
    responses=problem_responses(400, 503),
)
def get_stats_summary(session: SessionDep, provenance: ProvenanceDep) -> JSONBody:
    """Counts, coverage of each metric, the largest models and growth per year since 2010."""
    return JSONBody(get_summary(session, provenance).model_dump(mode="json"))
