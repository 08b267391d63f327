"""interviewer: an offline mock interviewer that probes for depth and scores with evidence."""

__version__ = "0.1.0"
