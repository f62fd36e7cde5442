"""The private journal of every session: one SQLite row per event, never a personal value (docs/journal.md)."""

from .record import AGE_BANDS, JOURNAL_KINDS, JournalEvent, age_band
from .recorder import SessionRecorder
from .schema import JournalError
from .writer import JournalWriter, Retention

__all__ = ["AGE_BANDS", "JOURNAL_KINDS", "JournalError", "JournalEvent", "JournalWriter", "Retention",
           "SessionRecorder", "age_band"]
