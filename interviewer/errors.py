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
    """A model provider failed: missing SDK or key, timeout, rate limit, malformed output.

    ``str(error)`` is one line for a user, ending with what to do when there is something to
    do. ``attempts`` is how many calls were made (1 when nothing was retried); ``retryable``
    says whether another attempt may succeed (the retry loop in ``providers/retry.py`` reads it).
    """

    retryable: bool = False

    def __init__(self, message: str, *, attempts: int = 1, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.attempts = attempts
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (gave up after {self.attempts} attempts)"
        return self.message


class ProviderNotConfigured(ProviderError):
    """The provider cannot be used as configured: a missing SDK or key, a key or model the
    server rejects. The message names the variable to set or the package to install."""


class ProviderTimeout(ProviderError):
    """No complete reply within ``INTERVIEWER_REQUEST_TIMEOUT`` seconds."""

    retryable = True


class ProviderRateLimited(ProviderError):
    """The server answered 429. ``retry_after`` is the wait it asked for, in seconds (or None)."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 1,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, attempts=attempts, retryable=retryable)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """The server cannot be reached (connection refused, unknown host) or answered 5xx."""

    retryable = True


class ProviderBadResponse(ProviderError):
    """The reply was unusable: malformed or truncated JSON, a stream cut mid-way, an empty
    completion, or a reply cut at the output-token limit (that one is not retried)."""

    retryable = True


class ProviderRefused(ProviderError):
    """The model refused to answer (a refusal or a content filter); not retried."""


class ProviderRejected(ProviderError):
    """The server refused the request itself (400, 422 or another 4xx); not retried."""


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
