"""The web app (Gradio). The only package that imports gradio, and only when asked to.

``build_app(service)`` returns the ``gr.Blocks``; ``launch()`` prepares the question store and
serves it (host and port from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT, as gradio reads them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gradio as gr

    from ..service import InterviewService

MISSING = (
    "The web app needs the 'web' extra (gradio and pypdf), which is not installed. "
    "Install it with: pip install 'interviewer[web]'   (or run `make run`, which installs "
    "everything and starts the app)."
)


def _require_web_extra() -> None:
    try:
        import gradio  # noqa: F401
        import pypdf  # noqa: F401
    except ImportError as exc:
        raise ImportError(MISSING) from exc


def build_app(service: InterviewService | None = None) -> gr.Blocks:
    """The web app for ``service`` (a new one from the environment's settings by default)."""
    _require_web_extra()
    from ..service import InterviewService
    from .app import build

    return build(service or InterviewService())


def launch(service: InterviewService | None = None, block: bool = True) -> str:
    """Build the question store if needed, then serve the app; returns its local URL."""
    _require_web_extra()
    from ..service import InterviewService
    from .app import build, launch_options

    service = service or InterviewService()
    print("Preparing the question store (the first run builds it: 10-25 s)...", flush=True)
    service.open_store(progress=True)
    demo = build(service)
    _, url, _ = demo.launch(prevent_thread_lock=True, **launch_options(service))
    print(f"\ninterviewer is running at {url}  (Ctrl-C to stop)", flush=True)
    if block:
        demo.block_thread()
    return str(url)
