# syntax=docker/dockerfile:1
# Build: install the locked dependencies and the package, migrate and seed a SQLite
# database into the image.
FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The dependencies strictly from the lock (hashes checked, nothing resolved), in a layer
# of their own; then the package itself, built by the locked setuptools.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY seed ./seed
COPY migrations ./migrations
RUN /opt/venv/bin/pip install --no-deps --no-build-isolation .
ENV DLE_DATABASE_URL=sqlite:////app/var/dle.sqlite3
RUN mkdir -p /app/var && /opt/venv/bin/dle migrate && /opt/venv/bin/dle seed

# Run: the virtualenv and the seeded database, as a non-root user.
FROM python:3.11-slim AS runtime
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin dle
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=dle:dle /app/var /app/var
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    DLE_DATABASE_URL=sqlite:////app/var/dle.sqlite3 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER dle
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]
CMD ["dle", "serve", "--host", "0.0.0.0", "--port", "8000"]
