"""Ingest: loaders (one per source kind) -> articles -> chunks -> store."""

from assistant.config import prepare_environment

prepare_environment()
