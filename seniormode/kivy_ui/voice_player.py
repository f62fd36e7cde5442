"""Plays the session's Speak effects: prepared off the UI thread by the voice service, played with SoundLoader.

Every prompt plays when its screen appears (the first one too, and again after
Back); any touch stops it at once; prompts that read the choices one by one
play after the prompt, each highlighting its tile. A failing voice never
stops the kiosk: the text stays on the screen and the failure is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kivy.clock import Clock
from kivy.core.audio import SoundLoader

from ..core.effects import Speak

log = logging.getLogger("seniormode.voice")
AFTER_PROMPT = ("choice", "cancel_change")  # said after the screen's prompt, not over it


@dataclass
class Played:
    """One prompt that reached the speaker: for tests and the benchmark."""

    speak: Speak
    source: str
    seconds_to_start: float


class VoicePlayer:
    def __init__(self, service: Any | None, on_highlight: Callable[[str], None] | None = None):
        self.service = service
        self.on_highlight = on_highlight
        self.sound: Any = None
        self.current: Speak | None = None
        self.queue: deque[Speak] = deque()
        self.played: list[Played] = []  # this applicant's prompts, as played: emptied by forget()
        self.on_played: Callable[[Played], None] | None = None
        self.failures = 0
        self._generation = 0
        self._stopping = False

    def speak(self, effect: Speak) -> None:
        """A new prompt replaces whatever is playing; a choice, or the 取消修改 hint, waits for the prompt before it."""
        if effect.reason in AFTER_PROMPT and (self.current is not None or self.queue):
            self.queue.append(effect)
            return
        self.stop()
        self._start(effect)

    def resume(self) -> None:
        """The voice has just come up: play the prompt of the screen on show now, which came while it was silent
        (the first screen of a kiosk just started, or every screen while the voice was down)."""
        if self.service is not None and self.current is not None and self.sound is None:
            self._start(self.current)

    def stop(self) -> None:
        """Silence now (a touch, a new screen), and forget what was queued."""
        self._generation += 1
        self.queue.clear()
        self.current = None
        if self.sound is not None:
            self._stopping = True
            try:
                self.sound.stop()
            finally:
                self._stopping = False
                self.sound = None
        if self.on_highlight is not None:
            self.on_highlight("")

    def forget(self) -> None:
        """Silence, and drop every prompt of the last applicant (a summary's prompt says their answers)."""
        self.stop()
        self.played.clear()

    @property
    def playing(self) -> bool:
        return self.sound is not None and self.sound.state == "play"

    def _start(self, effect: Speak) -> None:
        self.current = effect
        if self.service is None:
            return
        generation = self._generation
        asked = time.perf_counter()

        def ready(prepared: Any) -> None:
            if threading.current_thread() is threading.main_thread():
                self._play(generation, effect, prepared, asked)
            else:
                Clock.schedule_once(lambda dt: self._play(generation, effect, prepared, asked), 0)

        def failed(error: BaseException) -> None:
            self.failures += 1
            log.warning("no voice for %s (%s): the text stays on the screen", effect.text_key, error)
            Clock.schedule_once(lambda dt: self._next(generation), 0)

        try:
            self.service.prepare_async(effect.text, effect.text_key, effect.language, effect.rate, ready, failed,
                                       msgid=effect.msgid or None)
        except Exception as error:  # noqa: BLE001 - a broken voice layer must not stop the kiosk
            failed(error)

    def _play(self, generation: int, effect: Speak, prepared: Any, asked: float) -> None:
        if generation != self._generation:
            return  # stopped or replaced while it was being prepared
        sound = SoundLoader.load(str(prepared.path))
        if sound is None:
            self.failures += 1
            log.warning("cannot play %s", prepared.path)
            self._next(generation)
            return
        self.sound = sound
        sound.bind(on_stop=lambda *_: self._ended(generation))
        sound.play()
        played = Played(effect, str(prepared.source), time.perf_counter() - asked)
        self.played.append(played)
        if self.on_played is not None:
            self.on_played(played)
        if effect.target and self.on_highlight is not None:
            self.on_highlight(effect.target)

    def _ended(self, generation: int) -> None:
        if self._stopping or generation != self._generation:
            return
        self.sound = None
        self._next(generation)

    def _next(self, generation: int) -> None:
        if generation != self._generation:
            return
        self.current = None
        if self.on_highlight is not None:
            self.on_highlight("")
        if self.queue:
            self._start(self.queue.popleft())
