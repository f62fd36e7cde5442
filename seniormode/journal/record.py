"""One journal row as plain data, the event kinds it may hold, and the age band that stands in for an age."""

from __future__ import annotations

import datetime
from dataclasses import astuple, dataclass
from typing import Any

# kind -> what `detail` holds (never a typed value, a name, an ID number or a photo)
JOURNAL_KINDS: dict[str, str] = {
    "step_shown": "",
    "step_left": "how: answer, back, change, timeout_reset, call_staff, card_removed, reset",
    "repeat": "",
    "help": "",
    "bigger": "",
    "smaller": "",
    "slower": "",
    "normal_speech": "",
    "language": "the new voice language",
    "view": "the new viewing preset",
    "entry_error": "field:error kind, e.g. phone:too_long",
    "timeout_warning": "",
    "extension": "",
    "double_touch": "",
    "handoff": "the window, e.g. 3",
    "answer": "the choice id, only where the flow marks the step's answers safe to record",
    "feedback": "the 好差评 level, 1 (非常不满意) to 5 (非常满意)",
    "hard": "a 'what was hard?' tile id",
    "flow_started": "the flow the applicant was sent on to (a start_flow step), e.g. hk_macau_renewal; never what "
                    "was handed over",
    "session_end": "completed, abandoned, handed_off",
    # Not an applicant's: its own one-row session, written when the kiosk changes flow version between applicants.
    "version_switch": "OLD>NEW flow versions and the release, e.g. 3f2a9c1d0b7e>8c1d0b7e3f2a 2026.1204.1",
}

AGE_BANDS = ("under 60", "60-69", "70-79", "80+")


def age_band(age: Any) -> str:
    """The band of an age: the journal never holds the age itself."""
    if isinstance(age, bool) or not isinstance(age, (int, float)):
        return "unknown"
    if age < 60:
        return "under 60"
    if age < 70:
        return "60-69"
    if age < 80:
        return "70-79"
    return "80+"


@dataclass(frozen=True)
class JournalEvent:
    """What the kiosk hands the writer: plain values, no widget, no session."""

    kiosk: str
    flow: str
    version: str
    session: str
    seq: int
    at: str
    step: str
    kind: str
    detail: str
    ms: int
    text_scale: float
    speech_rate: int
    display_language: str
    voice_language: str
    view: str
    age_band: str
    synthetic: bool = False

    def row(self) -> tuple[Any, ...]:
        return astuple(self)


def utc_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["AGE_BANDS", "JOURNAL_KINDS", "JournalEvent", "age_band", "utc_now"]
