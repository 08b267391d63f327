"""Start the web app: `make run`, or `.venv/bin/python app.py`.

GRADIO_SERVER_NAME and GRADIO_SERVER_PORT choose the address (default 127.0.0.1:7860).
"""

import sys

from interviewer.errors import InterviewerError
from interviewer.ui import launch

if __name__ == "__main__":
    try:
        launch()
    except (ImportError, InterviewerError) as exc:
        sys.exit(f"interviewer: {exc}")
