"""The exception tree. Core code raises these; only the CLI and UI turn them into messages."""


class InterviewerError(Exception):
    """Base class for every error the product raises on purpose."""


class DataFileError(InterviewerError):
    """A persona, rubric or question file is missing, unreadable or invalid.

    The message names the file and the field so a content author can fix it.
    """


class NotFoundError(InterviewerError):
    """A persona, rubric or question id that does not exist."""


class InputError(InterviewerError, ValueError):
    """Bad user input: an unreadable file, a malformed JSON line, an unknown option value."""


class StoreError(InterviewerError):
    """The Chroma store is missing, empty or unusable (for example: run `interviewer ingest`)."""


class EmbeddingUnavailable(StoreError):
    """The offline embedding model is not installed (run `make install`)."""


class ProviderError(InterviewerError):
    """A model provider failed: missing SDK or key, timeout, rate limit, malformed output."""


class ScriptExhausted(ProviderError):
    """The scripted provider was asked for more outputs than it was given."""


class StorageError(InterviewerError):
    """The database cannot be opened, migrated, read or written."""


class SessionConflict(StorageError):
    """Another process added turns to this session first; reload it and try again."""


class SessionMoved(SessionConflict):
    """The interview went on elsewhere (another window) since the caller last saw it.

    ``question`` is what the interviewer asks now; the caller's input was not recorded.
    """

    def __init__(self, message: str, question: str = "") -> None:
        super().__init__(message)
        self.question = question
