"""newsdesk's chat UI (Gradio), mounted at ``/`` beside the API by :mod:`assistant.serve`.

>>> blocks = build_ui(Services(get_settings()))
"""

from __future__ import annotations

from assistant.ui.app import NewsdeskUI, build_ui
from assistant.ui.render import CSS, HEAD

__all__ = ["CSS", "HEAD", "NewsdeskUI", "build_ui"]
