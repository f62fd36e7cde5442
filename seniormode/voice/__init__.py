"""Speech for the kiosk: prompts rendered to WAV files by a TTS in a worker process, cached, or recorded.

The kiosk plays the files (Kivy's SoundLoader); nothing here imports Kivy, and the parent process never
imports pyttsx3 (only the spawned worker does).

    from seniormode.voice import VoiceService
    with VoiceService("locales", cache_dir) as voice:
        voice.prepare_speak(effect, on_ready=lambda p: play(p.path))
"""

from __future__ import annotations

from .build import BuildProgress, BuildReport, Prompt, build_all, spoken_prompts
from .cache import VoiceCache, cache_key, default_cache_dir
from .recordings import recording_for, recording_name
from .service import (
    DEFAULT_PROVIDER,
    Prepared,
    ProviderRegistry,
    SpeechProvider,
    VoiceService,
    register_provider,
    spoken_text,
)
from .voices import LOCALES, VOICES, UnknownLocale, clamp_rate, normalise_locale, voice_for
from .worker import RenderError, RenderTimeout, SpeechWorker, WorkerDied

__all__ = [
    "BuildProgress", "BuildReport", "DEFAULT_PROVIDER", "LOCALES", "Prepared", "Prompt", "ProviderRegistry",
    "RenderError", "RenderTimeout", "SpeechProvider", "SpeechWorker", "UnknownLocale", "VOICES", "VoiceCache",
    "VoiceService", "WorkerDied", "build_all", "cache_key", "clamp_rate", "default_cache_dir", "normalise_locale",
    "recording_for", "recording_name", "register_provider", "spoken_prompts", "spoken_text", "voice_for",
]
