"""The web app: header, the Practice, Drill, History and Coach review tabs, and the API.

State lives on the objects built here (one set per app) and in each browser session's
``gr.State``; nothing is kept at module level.
"""

from __future__ import annotations

import importlib
from typing import Any

import gradio as gr

from ..service import InterviewService
from .api import register_api
from .drill import DrillTab
from .history import Downloads, HistoryTab, ScorecardView
from .identity import STORAGE_KEY, Identity
from .practice import PracticeTab

TITLE = "interviewer · mock interviews that test depth"
CONCURRENCY = 32  # events of one kind running at once (20 API sessions in parallel, and more)
MAX_UPLOAD = "10mb"  # gradio's hard limit; uploads.py refuses files over 2 MB with a message

CSS = """
.gradio-container { max-width: 1180px !important; margin: 0 auto !important; }
#app-header { padding: 4px 0 0 0; }
#app-header h1 { margin-bottom: 0; font-size: 1.7rem; letter-spacing: -0.01em; }
#app-header p { margin-top: 2px; color: var(--body-text-color-subdued); }
#who { text-align: right; color: var(--body-text-color-subdued); font-size: 0.9rem; }
.hint, .hint p { color: var(--body-text-color-subdued); font-size: 0.92rem; }
.banner { border: 1px solid var(--color-accent-soft); background: var(--color-accent-soft);
  border-radius: 10px; padding: 8px 14px; }
.status { align-items: center; }
.pill p { display: inline-block; padding: 4px 12px; border-radius: 999px; margin: 0;
  background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary);
  font-variant-numeric: tabular-nums; white-space: nowrap; }
#progress, #timer { flex-grow: 0 !important; min-width: fit-content !important; }
#chat button[aria-label="Clear"], #drill-chat button[aria-label="Clear"] { display: none; }
.scorecard { border-top: 1px solid var(--border-color-primary); padding-top: 12px; }
.transcript { display: flex; flex-direction: column; gap: 8px; max-height: 560px;
  overflow-y: auto; padding: 4px; }
.transcript .turn { border-radius: 10px; padding: 8px 12px; max-width: 88%;
  border: 1px solid var(--border-color-primary); line-height: 1.5; }
.transcript .turn.interviewer { background: var(--background-fill-secondary); align-self: flex-start; }
.transcript .turn.candidate { background: var(--color-accent-soft); align-self: flex-end; }
.transcript .text { overflow-wrap: anywhere; }
.transcript .who { font-size: 0.78rem; font-weight: 600; opacity: 0.7; margin-bottom: 2px; }
.transcript mark.evidence { background: #fde68a; color: #1f2937; border-radius: 3px;
  padding: 0 2px; }
"""


def theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate")


def launch_options(service: InterviewService) -> dict[str, Any]:
    """Keyword arguments for ``Blocks.launch`` that belong to the product (not host and port:
    gradio reads GRADIO_SERVER_NAME and GRADIO_SERVER_PORT itself)."""
    identity = Identity(service)
    options: dict[str, Any] = {
        "theme": theme(),
        "css": CSS,
        "max_file_size": MAX_UPLOAD,
        "show_error": False,
        "footer_links": ["api"],
    }
    if identity.logins_enabled:
        options["auth"] = identity.auth()
        options["auth_message"] = "Sign in with the candidate login you were given."
    return options


def build(service: InterviewService) -> gr.Blocks:
    """The whole app for one service. Call ``.launch(**launch_options(service))`` to serve it."""
    identity = Identity(service)
    downloads = Downloads()

    def scorecard(prefix: str) -> ScorecardView:
        return ScorecardView(prefix, downloads)

    demo = gr.Blocks(title=TITLE, analytics_enabled=False)
    with demo:
        browser_id = gr.BrowserState(None, storage_key=STORAGE_KEY, secret=identity.secret)
        with gr.Row(equal_height=True):
            gr.Markdown(
                "# interviewer\nMock interviews for software engineers that test depth, "
                "not trivia: one question at a time, follow-ups on what you said, and a "
                "scorecard that quotes your own words.",
                elem_id="app-header",
            )
            who = gr.Markdown(elem_id="who")
        with gr.Tabs(elem_id="tabs") as tabs:
            with gr.Tab("Practice", id="practice", elem_id="tab-practice"):
                practice = PracticeTab(service, identity, browser_id, scorecard)
            with gr.Tab("Drill", id="drill", elem_id="tab-drill"):
                DrillTab(service, identity, browser_id)
            with gr.Tab("History", id="history", elem_id="tab-history") as history_tab:
                history = HistoryTab(service, identity, browser_id, scorecard, practice, tabs)
            history.wire_tab(history_tab)
            with gr.Tab("Coach review", id="review", elem_id="tab-review"):
                _review_tab(service)
        register_api(service, identity)
        demo.load(identity.ensure, browser_id, [browser_id, who], api_visibility="private").then(
            practice.unfinished, browser_id, practice.outputs, api_visibility="private"
        )
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def _review_tab(service: InterviewService) -> None:
    """The coach's tab, written separately; a short note if this build does not have it."""
    name = f"{__package__}.review_tab"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        gr.Markdown("The coach review tab is not available in this build.", elem_classes="hint")
        return
    module.review_tab(service)
