"""Settings read from the environment (``PORTAL_*``), validated at start.

settings = Settings()            # reads PORTAL_DATABASE_URL, PORTAL_REDIS_URL, ...
settings.embedded                # True when jobs run in-process (no Redis)
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# the least pool a PostgreSQL database URL may set (``maxsize``): a POS file's staging holds
# one connection for its transaction while its progress and heartbeat go through another
MIN_POOL = 2


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    database_url: str = "sqlite://portal.sqlite3"
    redis_url: str | None = None
    env: Literal["development", "production", "test"] = "development"
    max_body_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    max_page_size: int = Field(default=100, gt=0, le=1000)
    max_query_depth: int = Field(default=10, gt=1)
    max_query_tokens: int = Field(default=2000, gt=10)
    max_aliases: int = Field(default=20, gt=0)
    max_query_cost: int = Field(default=5000, gt=0)
    statement_timeout_ms: int = Field(default=30_000, ge=0)
    worker_statement_timeout_ms: int = Field(default=0, ge=0)
    ws_max_subscriptions: int = Field(default=10, gt=0)
    ws_max_operations: int = Field(default=20, gt=0)
    ws_recheck_seconds: float = Field(default=15.0, gt=0, le=3600)
    job_lease_seconds: int = Field(default=300, gt=0)
    job_max_attempts: int = Field(default=5, gt=0)
    # submission issue rows older than this many months are dropped (0: kept for ever)
    issue_retention_months: int = Field(default=24, ge=0)
    # arq cancels a job running longer; a cancelled validation resumes from its last chunk
    job_timeout_seconds: int = Field(default=3600, gt=0)
    validation_chunk_rows: int = Field(default=5000, gt=0)  # rows per committed step
    # work_mem (MB) of a POS file's set-based validation on PostgreSQL; 0: the database's
    ingest_work_mem_mb: int = Field(default=256, ge=0)
    # batches of 20,000 keys that `portal reconcile` computes at once on PostgreSQL, each on
    # its own pooled connection (the pool holds 5 unless the database URL's maxsize says)
    recompute_concurrency: int = Field(default=2, gt=0)
    # Non-public networks that webhooks and the ERP connector may reach anyway (CIDRs,
    # comma-separated in the environment); empty: only public addresses.
    outbound_allow_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []

    _web_server: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _operations_hold_subscriptions(self) -> Settings:
        if self.ws_max_operations < self.ws_max_subscriptions:
            raise ValueError(
                "PORTAL_WS_MAX_OPERATIONS must be at least PORTAL_WS_MAX_SUBSCRIPTIONS"
            )
        return self

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgres://", "asyncpg://", "psycopg://")):
            raise ValueError("PORTAL_DATABASE_URL must start with sqlite:// or postgres://")
        if value.startswith("sqlite://"):
            return value
        query = parse_qs(urlsplit(value).query, keep_blank_values=True)
        for spelling in ("max_size", "min_size"):  # asyncpg's, passed through by tortoise
            if spelling in query:
                raise ValueError(
                    f"PORTAL_DATABASE_URL: set the pool with {spelling.replace('_', '')}, "
                    f"not {spelling}"
                )
        if "maxsize" in query:
            size = query["maxsize"][-1]
            try:
                valid = int(size) >= MIN_POOL
            except ValueError:
                valid = False
            if not valid:
                raise ValueError(
                    f"PORTAL_DATABASE_URL: maxsize must be a whole number of at least {MIN_POOL}"
                    " (a file's validation holds one connection for its transaction and"
                    f" reports its progress on another), not {size!r}"
                )
        return value

    @field_validator("outbound_allow_networks", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("redis_url")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value or None

    def for_web_server(self) -> Settings:
        """These settings as the web server's (``create_app``): its database sessions get
        ``statement_timeout_ms`` instead of the workers' ``worker_statement_timeout_ms``."""
        copy = self.model_copy()
        copy._web_server = True
        return copy

    @property
    def database_statement_timeout_ms(self) -> int:
        """The PostgreSQL ``statement_timeout`` of this process's sessions (0: none).

        The web server's, unless jobs run in-process (embedded) and share its sessions."""
        if self._web_server and not self.embedded:
            return self.statement_timeout_ms
        return self.worker_statement_timeout_ms

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def embedded(self) -> bool:
        return self.redis_url is None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")
