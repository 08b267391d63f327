"""The web app in a subprocess for tests: ``python app.py`` on a free port with its own home.

Shared by the API tests (tests/test_ui_api.py) and the browser tests (tests/browser_support.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.config import REPO_ROOT, Settings
from interviewer.service import InterviewService

if TYPE_CHECKING:
    from gradio_client import Client


@dataclass
class App:
    home: Path
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def client(self) -> Client:
        from gradio_client import Client

        return Client(self.url, verbose=False)

    def service(self) -> InterviewService:
        """A second service on the app's home, to read what the app stored."""
        return InterviewService(Settings(home=self.home, embedder="hash"))

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(home: Path, env: dict[str, str], timeout: float = 90, port: int | None = None) -> App:
    """``python app.py`` with ``env`` added (on ``port``, else a free one); returns once the
    page answers."""
    port = port or free_port()
    # only the settings given here: none of the caller's INTERVIEWER_* variables (a database URL,
    # candidate logins...) reach the app
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEWER_")}
    full_env.update(env)
    full_env.update(
        INTERVIEWER_HOME=str(home),
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        GRADIO_ANALYTICS_ENABLED="False",
    )
    home.parent.mkdir(parents=True, exist_ok=True)
    log = home.parent / f"app-{port}-{time.monotonic_ns()}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "app.py")],
            cwd=REPO_ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    app = App(home, port, process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited early:\n{app.log_text()}")
        try:
            with urllib.request.urlopen(app.url + "config", timeout=2) as response:
                if response.status == 200:
                    return app
        except OSError:
            time.sleep(0.2)
    app.stop(signal.SIGKILL)
    raise AssertionError(f"the app did not answer within {timeout:.0f} s:\n{app.log_text()}")
