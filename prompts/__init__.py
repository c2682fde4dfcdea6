"""Prompt templates as plain text files, one per prompt, loaded by name.

A file holds the system message, a line ``=== user ===``, then the user message;
``{placeholders}`` are filled by LangChain's ``ChatPromptTemplate``.

    >>> load_prompt("answer").input_variables
    ['passages', 'question', 'refusal']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

_FOLDER = Path(__file__).resolve().parent
_SEPARATOR = "=== user ==="


def prompt_names() -> list[str]:
    """The prompts available."""
    return sorted(p.stem for p in _FOLDER.glob("*.txt"))


def read_prompt(name: str) -> tuple[str, str]:
    """The system and user parts of a prompt file."""
    path = _FOLDER / f"{name}.txt"
    if not path.is_file():
        raise KeyError(f"no prompt named {name!r}; available: {', '.join(prompt_names())}")
    system, _, user = path.read_text(encoding="utf-8").partition(_SEPARATOR)
    return system.strip(), user.strip()


@cache
def load_prompt(name: str) -> ChatPromptTemplate:
    """The chat prompt template named ``name`` (a file ``prompts/<name>.txt``)."""
    system, user = read_prompt(name)
    return ChatPromptTemplate.from_messages([("system", system), ("human", user)])
