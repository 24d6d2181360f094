"""Settings, read from environment variables with the ``PARTYCHAIN_`` prefix (or a ``.env`` file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_db() -> Path:
    return user_data_path("partychain") / "graph"


class Settings(BaseSettings):
    """Every setting of partychain.  Environment: ``PARTYCHAIN_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="PARTYCHAIN_", env_file=".env", extra="ignore")

    db: Path = Field(default_factory=_default_db,
                     description="embedded graph directory (versions + `current` link)")
    engine: Literal["embedded", "neo4j"] | None = Field(
        default=None, description="graph engine; default: neo4j when neo4j_uri is set, else embedded")
    neo4j_uri: str | None = Field(default=None, description="bolt/neo4j URI of a Neo4j 5 server")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_batch_size: int = Field(default=5_000, ge=1, description="rows per UNWIND batch on Neo4j")
    query_timeout_s: float = Field(default=10.0, gt=0, description="time limit of researcher Cypher")
    query_max_rows: int = Field(default=10_000, ge=1, description="row cap of researcher Cypher")
    query_workers: int = Field(default=4, ge=0, description="worker processes running researcher Cypher on the "
                               "embedded engine (a crash or runaway kills a worker, not the server); 0: in-process")
    query_memory_mb: int = Field(default=1024, ge=64, description="memory a researcher query may use in its worker")
    buffer_pool_mb: int = Field(default=0, ge=0, description="page cache and query memory of the server's read-only "
                                "graph handle (embedded engine); 0: 2 GiB or 4x the graph file, whichever is larger")
    keep_versions: int = Field(default=2, ge=1, description="embedded graph versions kept on disk")
    api_keys: SecretStr = SecretStr("")
    api_keys_file: Path | None = None
    secret_key: SecretStr = Field(default=SecretStr(""), description="key that signs paging cursors; default: "
                                  "a random key per `partychain serve` run, shared by its workers")
    audit_log: Path | None = Field(default=None, description="JSON-lines file of officers' reads of personal data "
                                   "(who, which records, when; never the values); default: audit.jsonl in the "
                                   "store's local directory (the embedded graph directory, or PARTYCHAIN_DB)")
    trusted_proxies: str = Field(default="", description="comma-separated addresses of reverse proxies whose "
                                 "X-Forwarded-For / X-Forwarded-Proto are believed; empty: forwarding headers "
                                 "are ignored and the client is the connecting address")
    max_header_bytes: int = Field(default=32 * 1024, ge=1024, le=1 << 20, description="request line and headers "
                                  "larger than this are refused (431) before they are parsed")
    anonymous_rate: float = Field(default=5.0, gt=0, description="requests per second an anonymous client may make "
                                  "(sustained; see anonymous_burst); 429 past it")
    anonymous_burst: int = Field(default=60, ge=1, description="requests an anonymous client may make at once")
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="how long a dashboard sign-in lasts "
                                 "(a session cookie, also ended by closing the browser); the project's own setting")
    signin_token_file: Path | None = Field(default=None, description="set by `partychain serve` on a first run (no "
                                           "keys, loopback): the file naming the one-time sign-in token it printed")
    log_level: str = "INFO"


    @property
    def engine_name(self) -> Literal["embedded", "neo4j"]:
        if self.engine:
            return self.engine
        return "neo4j" if self.neo4j_uri else "embedded"


@cache
def get_settings() -> Settings:
    return Settings()
