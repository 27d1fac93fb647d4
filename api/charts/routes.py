"""``/v1/charts``: the catalogue, each chart's Vega-Lite specification, its SVG and PNG."""

from __future__ import annotations

from typing import Any, Final

import anyio.to_thread
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.charts.catalogue import CHARTS, ChartKind
from api.charts.data import scatter_data
from api.charts.figures import compare_spec, timeline_spec, yearly_spec
from api.charts.params import TREND_PARAMETERS, ChartRequest, ChartRequestDep
from api.charts.render import Renderer
from api.charts.specs import scatter_spec
from api.db.engine import SessionDep
from api.errors import problem_responses
from api.http.deps import ProvenanceDep
from api.http.responses import DATA_VERSION_HEADER, JSONBody
from api.provenance import Provenance
from api.trends.estimation import ESTIMATION_PARAMETERS

router = APIRouter(prefix="/v1/charts", tags=["charts"])

SPEC_MEDIA_TYPE: Final = "application/vnd.vegalite.v6+json"
IMAGE_MEDIA_TYPES: Final = {"svg": "image/svg+xml", "png": "image/png"}
ERRORS = problem_responses(400, 404, 422, 503)


class ChartLinks(BaseModel):
    """Where a chart is served."""

    spec: str = Field(description="The Vega-Lite specification (data inline).")
    svg: str = Field(description="Rendered on the server as SVG.")
    png: str = Field(description="Rendered on the server as PNG.")
    embed: str = Field(description="An interactive page for an iframe.")


class ChartEntry(BaseModel):
    """One chart of the catalogue."""

    name: str
    kind: ChartKind
    title: str
    description: str
    parameters: list[str] = Field(description="The query parameters the chart takes.")
    links: ChartLinks


class ChartCatalogue(BaseModel):
    """Every chart, with its parameters and links."""

    charts: list[ChartEntry]
    meta: dict[str, str] = Field(description="Data version, licence and attribution.")


def catalogue(provenance: Provenance) -> dict[str, Any]:
    """The catalogue's body."""
    charts = [
        ChartEntry(
            name=chart.name,
            kind=chart.kind,
            title=chart.title,
            description=chart.description,
            parameters=list(chart.takes(TREND_PARAMETERS, ESTIMATION_PARAMETERS)),
            links=ChartLinks(
                spec=f"/v1/charts/{chart.name}",
                svg=f"/v1/charts/{chart.name}.svg",
                png=f"/v1/charts/{chart.name}.png",
                embed=f"/embed/{chart.name}",
            ),
        ).model_dump(mode="json")
        for chart in CHARTS.values()
    ]
    return {"charts": charts, "meta": provenance.as_meta()}


def build_spec(session: Session, provenance: Provenance, request: ChartRequest) -> dict[str, Any]:
    """The Vega-Lite specification of ``request`` (reads the database)."""
    kind = request.chart.kind
    if kind is ChartKind.scatter:
        return scatter_spec(request, provenance, scatter_data(session, provenance, request))
    if kind is ChartKind.yearly:
        return yearly_spec(session, provenance, request)
    if kind is ChartKind.compare:
        return compare_spec(session, provenance, request)
    return timeline_spec(session, provenance, request)


class VegaLiteSpec(Response):
    """A Vega-Lite specification."""

    media_type = SPEC_MEDIA_TYPE


def _declared(media_type: str, schema: dict[str, Any], example: Any) -> dict[int | str, Any]:
    return {
        **ERRORS,
        200: {
            "description": "OK",
            "content": {media_type: {"schema": schema, "example": example}},
        },
    }


def renderer_of(request: Request) -> Renderer:
    """The application's renderer."""
    renderer: Renderer = request.app.state.chart_renderer
    return renderer


@router.get(
    "",
    operation_id="list_charts",
    summary="List the charts",
    response_model=ChartCatalogue,
    responses=problem_responses(400, 503),
)
def list_charts(provenance: ProvenanceDep) -> JSONBody:
    """Every chart: name, title, description, the parameters it takes and its links."""
    return JSONBody(catalogue(provenance))


def _image_route(fmt: str) -> None:
    media_type = IMAGE_MEDIA_TYPES[fmt]
    example = '<svg xmlns="http://www.w3.org/2000/svg" ...>' if fmt == "svg" else "(PNG bytes)"
    schema = {"type": "string"} if fmt == "svg" else {"type": "string", "format": "binary"}

    async def get_chart_image(
        request: Request, session: SessionDep, provenance: ProvenanceDep, chart: ChartRequestDep
    ) -> Response:
        renderer = renderer_of(request)
        renderer.check()  # before reading anything: a cold renderer answers at once
        spec = await anyio.to_thread.run_sync(build_spec, session, provenance, chart)
        body = await renderer.render(spec, fmt)
        return Response(
            body, media_type=media_type, headers={DATA_VERSION_HEADER: provenance.data_version}
        )

    get_chart_image.__name__ = f"get_chart_{fmt}"
    get_chart_image.__doc__ = (
        f"The chart rendered on the server as {fmt.upper()}, from the same specification, "
        "with its attribution and data version in the figure."
    )
    router.get(
        f"/{{chart}}.{fmt}",
        operation_id=f"get_chart_{fmt}",
        summary=f"Render a chart as {fmt.upper()}",
        response_class=Response,
        response_model=None,
        responses=_declared(media_type, schema, example),
    )(get_chart_image)


for _fmt in IMAGE_MEDIA_TYPES:
    _image_route(_fmt)

_SPEC_EXAMPLE = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
    "title": {"text": "Parameters of notable models", "subtitle": ["..."]},
    "datasets": {"points": [{"name": "AlexNet", "date": "2012-09-30", "value": 60000000}]},
    "layer": ["..."],
    "usermeta": {"chart": "parameters", "meta": {"data_version": "9263a284ef5e"}},
}


@router.get(
    "/{chart}",
    operation_id="get_chart",
    summary="Get a chart's Vega-Lite specification",
    response_class=VegaLiteSpec,
    response_model=None,
    responses=_declared(
        SPEC_MEDIA_TYPE,
        {"type": "object", "description": "A Vega-Lite v6 specification, data inline."},
        _SPEC_EXAMPLE,
    ),
)
def get_chart(session: SessionDep, provenance: ProvenanceDep, chart: ChartRequestDep) -> Response:
    """A self-contained Vega-Lite specification (data inline): hand it to vega-embed."""
    spec = build_spec(session, provenance, chart)
    return VegaLiteSpec(orjson.dumps(spec), headers={DATA_VERSION_HEADER: provenance.data_version})
