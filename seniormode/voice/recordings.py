"""Human recordings in the catalog: a translator's WAV for a message overrides the synthetic voice.

A recording lives at `locales/<locale>/audio/<hash>.wav`, where `<hash>` is the SHA-1 of the message's
gettext identity exactly as a .mo file stores it: `context + "\\x04" + msgid` (just `msgid` without a
context). The context is the Text's key (`flow/step/field`), the msgid its source text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .voices import normalise_locale

AUDIO_DIR = "audio"
GETTEXT_CONTEXT_SEPARATOR = "\x04"


def msgid_hash(context: str | None, msgid: str) -> str:
    identity = f"{context}{GETTEXT_CONTEXT_SEPARATOR}{msgid}" if context else msgid
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()


def recording_name(context: str | None, msgid: str) -> str:
    """The file name a recording of this message must have: `<sha1 of context\\x04msgid>.wav`."""
    return f"{msgid_hash(context, msgid)}.wav"


def recording_path(locales_dir: str | Path, locale: str, context: str | None, msgid: str) -> Path:
    """Where a recording of this message in this locale belongs (whether or not it exists)."""
    return Path(locales_dir) / normalise_locale(locale) / AUDIO_DIR / recording_name(context, msgid)


def recording_for(locales_dir: str | Path, locale: str, context: str | None, msgid: str) -> Path | None:
    """The human recording of this message in this locale, or None when there is none (or it is not a WAV)."""
    path = recording_path(locales_dir, locale, context, msgid)
    try:
        with path.open("rb") as f:
            head = f.read(12)
    except OSError:
        return None
    return path if head[:4] == b"RIFF" and head[8:12] == b"WAVE" else None
