"""Job descriptions and resumes from the set-up form: pasted text or an uploaded file.

Pure functions with no gradio import, so they are unit-tested directly. Every refusal is an
``InputError`` whose message tells the candidate what to do instead (paste the text, save the
file again, cut it down); the UI shows it as a warning.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import InputError

MAX_FILE_BYTES = 2 * 1024 * 1024  # an uploaded .txt, .md or .pdf
MAX_CHARS = 50_000  # the text we keep, pasted or extracted
FILE_TYPES = (".txt", ".md", ".pdf")


def read_document(path: str | Path, what: str = "document") -> str:
    """The text of an uploaded .txt, .md or .pdf file, or an InputError saying what went wrong."""
    file = Path(path)
    name = file.name
    kind = file.suffix.lower()
    if kind not in FILE_TYPES:
        raise InputError(
            f"{name}: only .txt, .md and .pdf files can be read for the {what}; "
            "paste its text instead"
        )
    try:
        size = file.stat().st_size
    except OSError:
        raise InputError(f"{name} could not be read; upload it again") from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{name} is {size / 1024 / 1024:.1f} MB; files up to "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are read. Paste the relevant part instead"
        )
    data = file.read_bytes()
    text = pdf_text(data, name) if kind == ".pdf" else plain_text(data, name)
    return checked_text(text, what)


def plain_text(data: bytes, name: str) -> str:
    """Decode a text file (UTF-8, with or without a byte-order mark; else Windows-1252)."""
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} looks like a binary file, not text; save it as .txt or .pdf")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def pdf_text(data: bytes, name: str) -> str:
    """The text layer of a PDF, page by page; clear errors for broken and image-only files."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name} is password-protected; save an unprotected copy or paste it")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except InputError:
        raise
    except Exception:  # pypdf raises many kinds for a damaged file; all mean the same here
        raise InputError(
            f"{name} could not be read as a PDF (it may be damaged); "
            "save it again or paste its text"
        ) from None
    text = "\n\n".join(p for p in pages if p)
    if not text.strip():
        raise InputError(
            f"{name} has no text to read (a scanned or image-only PDF?); paste its text instead"
        )
    return text


def checked_text(text: str, what: str) -> str:
    """Normalised line endings, outer blank space removed, refused when over the limit."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_CHARS:
        raise InputError(
            f"The {what} is {len(text):,} characters; up to {MAX_CHARS:,} are used. "
            "Paste the relevant part instead"
        )
    return text


def optional_text(text: str | None, what: str) -> str | None:
    """A pasted field: None when empty, else the checked text."""
    if text is None or not text.strip():
        return None
    return checked_text(text, what)


# -- the form fields (gradio imported here only, so the functions above stay pure) --------------
def document_fields(label: str, elem_id: str) -> tuple[Any, Any]:
    """A textbox to paste into and an upload button that fills it, for the set-up form."""
    import gradio as gr

    hint = f"Paste the {label.lower()}, or upload a .txt, .md or .pdf file (up to 2 MB)"
    box = gr.Textbox(
        label=f"{label} (optional)", lines=4, max_lines=10, placeholder=hint, elem_id=elem_id
    )
    upload = gr.UploadButton(
        f"Upload a {label.lower()} file",
        file_types=list(FILE_TYPES),
        size="sm",
        elem_id=f"{elem_id}-upload",
    )
    upload.upload(_reader(label.lower()), upload, box, api_visibility="private")
    return box, upload


def _reader(what: str) -> Callable[[str | None], Any]:
    def read(path: str | None) -> Any:
        import gradio as gr

        from .identity import user_message

        if not path:
            return gr.Textbox()
        try:
            text = read_document(path, what)
        except Exception as exc:  # a refusal is a warning; the field keeps its text
            gr.Warning(user_message(exc))
            return gr.Textbox()
        if not text.strip():
            gr.Warning(f"The {what} file is empty; the box keeps what it had.")
            return gr.Textbox()
        gr.Info(f"Read {len(text):,} characters from the {what} file.")
        return text

    return read
