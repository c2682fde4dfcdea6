"""newsdesk: answers from news articles, with citations."""

from assistant.config import prepare_environment

prepare_environment()

__version__ = "0.1.0"
