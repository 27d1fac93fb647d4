"""The application factory. ``app`` is what uvicorn serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from sqlalchemy.orm import configure_mappers
from starlette.routing import NoMatchFound

from api import __version__
from api.charts import routes as charts
from api.charts.render import Renderer
from api.config import Settings, get_settings
from api.db.budget import bound_sqlite_statements
from api.db.engine import make_engine
from api.db.roles import check_role_at_start, refuse_writable_role
from api.http.install import install
from api.http.response_cache.fast import FastHitsApp
from api.listing.query import COUNTS
from api.pages import routes as pages
from api.process import large_allocations_mapped, startup_objects_frozen
from api.resources.eras import routes as eras
from api.resources.health import routes as health
from api.resources.meta import routes as meta
from api.resources.milestones import routes as milestones
from api.resources.models import routes as models
from api.resources.search import routes as search
from api.resources.selections import routes as selections
from api.resources.timeline import routes as timeline
from api.resources.vocabularies import routes as vocabularies
from api.trends import routes as trends

DESCRIPTION = """\
Read-only data on the history and scaling of deep learning: notable models with
their parameters, training compute and dataset sizes; a curated timeline; trend
statistics.

Data: Epoch AI, 'Data on Notable AI Models', https://epoch.ai/data/notable-ai-models,
CC BY 4.0.
"""


def prepare_routes(app: FastAPI) -> None:
    """Do before serving what the first requests would otherwise pay for.

    FastAPI builds the routes of an included router (their dependency graphs and
    validators: about 0.3 s of CPU for this API) when the first request reaches that
    router, and SQLAlchemy configures its mappers on the first query. Looking up a route
    name that no route has walks every route, so it builds them all.
    """
    configure_mappers()
    with suppress(NoMatchFound):
        app.url_path_for("(a name no route has: every route is built looking for it)")


ROUTERS = (
    health.router,
    models.router,
    milestones.router,
    eras.router,
    timeline.router,
    search.router,
    vocabularies.router,
    selections.router,
    trends.router,
    trends.stats_router,
    meta.router,
    charts.router,
    pages.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the database engine is created in the lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url,
            read_only=True,
            connect_timeout=settings.db_connect_timeout_seconds,
            pool_timeout=settings.db_pool_timeout_seconds,
            statement_timeout_ms=settings.db_statement_timeout_ms,
        )
        bound_sqlite_statements(engine, settings.db_statement_timeout_ms)
        if not settings.allow_writable_role:
            refuse_writable_role(engine)
            try:
                check_role_at_start(engine)
            except Exception:
                engine.dispose()
                raise
        app.state.engine = engine
        app.state.chart_renderer.start()  # in the background: the server starts meanwhile
        prepare_routes(app)
        large_allocations_mapped()
        try:
            with startup_objects_frozen():
                yield
        finally:
            app.state.chart_renderer.close()
            engine.dispose()

    # FastAPI whose recorded cache hits are answered before anything else runs.
    app = FastHitsApp(
        title="Deep Learning Evolution API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        separate_input_output_schemas=False,
        license_info={"name": "Code: MIT; data: CC BY 4.0 (Epoch AI)"},
        docs_url=None,  # served from local assets (api.http.docs)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.chart_renderer = Renderer()
    COUNTS.resize(settings.count_cache_max_entries, settings.count_cache_max_bytes)
    install(app, settings)
    for router in ROUTERS:
        app.include_router(router)
    return app


app = create_app()
