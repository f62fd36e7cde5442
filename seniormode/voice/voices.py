"""Which engine voice speaks which locale, and the speech-rate range the kiosk allows."""

from __future__ import annotations

import math
from dataclasses import dataclass

from seniormode.core import i18n
from seniormode.core.problems import did_you_mean

MIN_RATE = 80
MAX_RATE = 250
DEFAULT_RATE = 170  # the session's default `speech_rate` (seniormode/core/settings.py)


@dataclass(frozen=True)
class Voice:
    """One locale's espeak-ng voice: `espeak` is the CLI name (`-v`), `engine_id` the pyttsx3 voice id."""

    locale: str
    espeak: str
    engine_id: str
    label: str


VOICES: dict[str, Voice] = {v.locale: v for v in (
    # Debian's espeak-ng 1.51 `cmn` reads Latin letters (and, in practice, much Han text) as English;
    # `cmn-latn-pinyin` is the same Mandarin voice without that switch.
    Voice("zh_Hans_CN", "cmn-latn-pinyin", "sit/cmn-latn-pinyin", "普通话 (Mandarin)"),
    Voice("yue_Hans_CN", "yue", "sit/yue", "粤语 (Cantonese)"),
    Voice("en", "en", "gmw/en", "English"),
)}
LOCALES: tuple[str, ...] = tuple(VOICES)
# The voices the Chinese prompts are pre-rendered in (English needs translated text first).
CHINESE_LOCALES: tuple[str, ...] = ("zh_Hans_CN", "yue_Hans_CN")


class UnknownLocale(i18n.UnknownLocale):
    """A locale id that is not exactly one of the kiosk's voice locales."""


def normalise_locale(locale: str) -> str:
    """Return `locale` if it is exactly one of our voice locale ids; otherwise raise `UnknownLocale`.

    Only exact ids are accepted (a near miss like "zh_CN" names another cache key and another catalog): callers
    normalise user input first with `seniormode.core.i18n.normalise_locale`, whose answer the error suggests.
    """
    if locale in VOICES:
        return locale
    try:
        meant = i18n.normalise_locale(locale)  # the lenient reading ('zh_CN' -> 'zh_Hans_CN'), as a hint only
    except i18n.UnknownLocale:
        meant = ""
    hint = f"did you mean '{meant}'?" if meant in VOICES else did_you_mean(locale.replace("-", "_"), LOCALES)
    hint = hint or f"voice locales are: {', '.join(LOCALES)}"
    raise UnknownLocale(f"unknown voice locale {locale!r}: {hint}")


def voice_for(locale: str) -> Voice:
    return VOICES[normalise_locale(locale)]


def clamp_rate(rate: float) -> int:
    """A speech rate in words per minute, clamped to MIN_RATE..MAX_RATE and rounded to a whole number."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
        raise ValueError(f"speech rate must be a finite number of words per minute, not {rate!r}")
    return int(min(MAX_RATE, max(MIN_RATE, round(rate))))
