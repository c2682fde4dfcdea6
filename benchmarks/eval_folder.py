"""What the benchmarks that read an eval folder share: its command line, and its settings.

    parser = eval_folder_parser(__doc__)      # FOLDER [--data-dir DIR]; add a script's own options
    settings = eval_folder_settings(parser.parse_args())

The settings point at the collection ``newsdesk eval FOLDER`` ingests into, under
``--data-dir`` (else ``NEWSDESK_DATA_DIR`` or the per-user folder).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation import eval_settings


def eval_folder_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser for ``FOLDER [--data-dir DIR]``, described by the script's docstring."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="an eval folder: articles.jsonl and questions.jsonl")
    parser.add_argument("--data-dir", type=Path, help="newsdesk's data dir (NEWSDESK_DATA_DIR otherwise)")
    return parser


def eval_folder_settings(args: argparse.Namespace) -> Settings:
    """Settings for the folder's eval collection, under ``--data-dir`` when given."""
    base = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    return eval_settings(args.folder, base)
