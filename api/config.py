"""Settings, read from the environment (prefix ``DLE_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "var" / "dle.sqlite3"


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as ``DLE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="DLE_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATABASE_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    default_page_size: int = Field(default=50, ge=1)
    max_page_size: int = Field(default=500, ge=1)
    cors_origins: list[str] = Field(
        default=["*"], description="Origins allowed by CORS; '*' allows every origin (GET only)."
    )
    cache_max_entries: int = Field(
        default=2048, ge=0, description="Response cache size in entries; 0 turns caching off."
    )
    cache_max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=0, description="Upper bound of the response cache's memory."
    )
    cache_max_entry_bytes: int = Field(
        default=1024 * 1024, ge=0, description="Larger responses are never cached."
    )
    count_cache_max_entries: int = Field(
        default=4096,
        ge=0,
        description="Totals of list queries remembered per data version; 0 turns it off.",
    )
    allow_writable_role: bool = Field(
        default=False,
        description="Serve PostgreSQL as a role that can write (development and tests only).",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="Comma-separated IPs/CIDRs of the proxies whose Forwarded and"
        " X-Forwarded-* headers are believed; '*' trusts every peer.",
    )
    db_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    db_pool_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How long a request waits for a free PostgreSQL connection under load.",
    )
    db_statement_timeout_ms: int = Field(default=10_000, ge=0)
    # The server edge of `dle serve` (api/server/; docs/deployment.md, "Limits").
    max_request_line_bytes: int = Field(
        default=8192,
        ge=256,
        description="Longest request line (method, target, version); longer ones get a 414.",
    )
    max_header_bytes: int = Field(
        default=32 * 1024,
        ge=1024,
        description="Largest header section of a request; larger ones get a 431.",
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="Time a client has to send a request head in full; then a 408.",
    )
    max_connections: int = Field(
        default=512,
        ge=1,
        description="Connections (or requests in progress) per worker before 503s.",
    )
    backlog: int = Field(
        default=1024, ge=1, description="Connections the kernel queues before they are accepted."
    )
    keep_alive_timeout_seconds: int = Field(
        default=5,
        ge=1,
        description="An idle kept-alive connection is closed after this long (keep it above"
        " the proxy's upstream keepalive_timeout).",
    )
    seed_dir: Path = Field(default=PROJECT_ROOT / "seed" / "data")
    max_query_bytes: int = Field(
        default=2048,
        ge=1,
        description="Longer query strings are refused with 414 before any other work.",
    )
    cache_max_download_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=0,
        description="Largest CSV/NDJSON download (with its gzip variant) the response "
        "cache holds, within cache_max_bytes.",
    )
    count_cache_max_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=0,
        description="Memory bound of the list totals remembered per data version; 0 turns it off.",
    )


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once on first use."""
    return Settings()
