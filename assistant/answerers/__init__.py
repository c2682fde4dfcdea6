"""Answerers, chosen by name from a registry (``NEWSDESK_ANSWERER``, ``--answerer``).

    >>> get_answerer("extractive", services).name
    'extractive'

``extractive`` is the default when no LLM is configured; ``openai`` talks to any
OpenAI-compatible endpoint. Both are registered the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.answerers.base import REFUSAL, Answerer, Draft
from assistant.errors import ConfigError, UnknownBackendError

if TYPE_CHECKING:
    from assistant.services import Services

__all__ = ["ANSWERERS", "REFUSAL", "Answerer", "Draft", "get_answerer"]


def build_extractive(services: Services) -> Answerer:
    """The extractive answerer over the service's embedding model."""
    from assistant.answerers.extractive import ExtractiveAnswerer

    lexical = services.lexical
    return ExtractiveAnswerer(
        services.embeddings(), services.settings, lexical.idf, restore_case=lexical.casing.restore
    )


def build_openai(services: Services) -> Answerer:
    """An LLM answerer over an OpenAI-compatible endpoint, from the settings."""
    from langchain_openai import ChatOpenAI

    from assistant.answerers.chat import ChatModelAnswerer

    settings = services.settings
    if not settings.llm_model:
        raise ConfigError(
            "the 'openai' answerer needs a model: set NEWSDESK_LLM_MODEL (and OPENAI_BASE_URL for a local "
            "server such as Ollama, vLLM or llama.cpp, or OPENAI_API_KEY for OpenAI)"
        )
    if not settings.openai_base_url and not settings.openai_api_key:
        raise ConfigError("the 'openai' answerer needs OPENAI_BASE_URL (a local server) or OPENAI_API_KEY (OpenAI)")
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
    model = ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.openai_base_url,
        api_key=key,  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=0,
    )
    fallback = (lambda: services.answerer("extractive")) if settings.llm_fallback else None
    endpoint = settings.openai_base_url or "api.openai.com"
    return ChatModelAnswerer(model, "openai", endpoint, fallback, reports_finish=True)


ANSWERERS: dict[str, Callable[[Services], Answerer]] = {
    "extractive": build_extractive,
    "openai": build_openai,
}


def get_answerer(name: str, services: Services) -> Answerer:
    """Build the answerer registered under ``name``."""
    try:
        factory = ANSWERERS[name]
    except KeyError:
        raise UnknownBackendError("answerer", name, list(ANSWERERS)) from None
    return factory(services)
