"""`python -m interviewer` runs the command line."""

try:
    from .cli import main
except ModuleNotFoundError as exc:  # the system Python, not the project's environment
    raise SystemExit(
        f"error: {exc.name} is not installed for this Python. Run `make install`, then use "
        "`.venv/bin/interviewer` (or `.venv/bin/python -m interviewer`)."
    ) from None

if __name__ == "__main__":  # not when `ingest --workers` spawns its embedding processes
    raise SystemExit(main())
