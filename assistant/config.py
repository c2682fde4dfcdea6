"""One Settings object: environment variables prefixed ``NEWSDESK_``, an optional ``.env``.

>>> from assistant.config import get_settings
>>> get_settings().data_dir            # NEWSDESK_DATA_DIR, else the per-user data folder
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"

CommaList = Annotated[list[str], NoDecode]


EmbeddingPrecision = Literal["auto", "float32", "bfloat16"]


class Settings(BaseSettings):
    """Every knob newsdesk has; each field is also the env var ``NEWSDESK_<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Where everything lives.
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("newsdesk", appauthor=False)))
    chroma_url: str | None = None
    collection: str = "newsdesk"
    # With a Chroma server: how long a writer's lease holds unless renewed (renewed every quarter of it),
    # so how long the writers on other machines wait for one that died.
    lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    # How long an ingest or deletion sent through the API or the UI waits for another writer before it
    # is refused (503 store_busy); the CLI and followed sources wait as long as it takes.
    write_wait: float = Field(default=30.0, ge=0)

    # Embeddings and chunking.
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_batch_size: int = Field(default=64, ge=1, le=4096)
    # auto: questions and answer sentences in bfloat16 on CPUs with native bfloat16 (AMX,
    # AVX512-BF16), stored passages in float32; bfloat16: passages too; float32: never.
    embedding_precision: EmbeddingPrecision = "auto"
    chunk_words: int = Field(default=200, ge=20, le=2000)
    chunk_max_words: int = Field(default=250, ge=20, le=4000)
    chunk_overlap_words: int = Field(default=30, ge=0, le=500)
    embed_header: bool = True  # embed "title (date)" above each passage (the stored passage stays bare)

    # Ingest limits and URL fetching.
    max_file_bytes: int = Field(default=50_000_000, ge=1)
    max_article_chars: int = Field(default=500_000, ge=100)
    fetch_timeout: float = Field(default=15.0, gt=0)
    fetch_max_bytes: int = Field(default=10_000_000, ge=1)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)
    fetch_allow_hosts: CommaList = Field(default_factory=list)
    feed_fetch_pages: bool = True
    follow: CommaList = Field(default_factory=list)  # feeds, pages, folders ingested again on a schedule while serving
    follow_every: str = "15m"  # how often: 900, 90s, 15m, 2h, 1d

    # Retrieval and answering.
    k: int = Field(default=8, ge=1, le=100)
    candidates: int = Field(default=200, ge=1, le=1000)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    rrf_k: int = Field(default=60, ge=1)
    time_filter: bool = True
    recency_weight: float = Field(default=1.0, ge=0)
    recency_half_life: float = Field(default=30.0, gt=0)  # days; 3, 7, 14, 30, 60 measured (BENCHMARKS.md)
    reranker_model: str | None = None
    rerank_candidates: int = Field(default=30, ge=1, le=500)
    answerer: str | None = None
    min_relevance: float = 0.4
    min_coverage: float = 0.8
    min_sentence_relevance: float = 0.55  # one sentence this close answers too (BENCHMARKS.md)
    extractive_sentences: int = Field(default=3, ge=1, le=10)
    extractive_headline: bool = True  # open with the title of the article quoted first (BENCHMARKS.md)
    llm_model: str | None = None
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("NEWSDESK_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEWSDESK_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_fallback: bool = False

    # Serving.
    api_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_upload_bytes: int = Field(default=20_000_000, ge=1024)
    max_in_flight: int = Field(default=0, ge=0, le=4096)  # asks worked on at once; 0: eight per core

    @field_validator("fetch_allow_hosts", "follow", mode="before")
    @classmethod
    def _split_commas(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            return [part.lower() for part in parts] if info.field_name == "fetch_allow_hosts" else parts
        return value

    @field_validator("follow_every", mode="after")
    @classmethod
    def _check_interval(cls, value: str) -> str:
        from assistant.errors import ConfigError
        from assistant.follow import parse_interval

        try:
            parse_interval(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def chroma_path(self) -> Path:
        """The embedded Chroma's directory (unused in server mode)."""
        return self.data_dir / "chroma"

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI-compatible endpoint is set up."""
        return bool(self.llm_model and (self.openai_base_url or self.openai_api_key))

    @property
    def default_answerer(self) -> str:
        """The answerer used when none is asked for."""
        if self.answerer:
            return self.answerer
        return "openai" if self.llm_configured else "extractive"

    def masked(self) -> dict[str, Any]:
        """The effective settings as plain data, secrets masked."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = "****" if value.get_secret_value() else ""
            elif isinstance(value, Path):
                value = str(value)
            out[name] = value
        out["answerer"] = self.default_answerer
        return out


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()


def prepare_environment() -> None:
    """Keep Hugging Face libraries offline, and numpy's BLAS on one thread, unless the user says otherwise.

    numpy's OpenBLAS threads spin for a while after each product, on the cores torch then needs
    to embed the next question or sentences: with them, a warm ask's p50 on the dev set was about
    twice as long (BENCHMARKS.md, Latency). The products numpy does here are small (a question
    against the stored vectors, a handful of sentences), and one thread does them in a millisecond.
    Set before numpy is first imported, which the ``assistant`` package does first."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
