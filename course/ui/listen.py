"""Listen: read a block of the page aloud with the device's own voice, only when tapped.

A block is drawn inside ``read_aloud(...)``: what it draws through the ``Reading`` it yields
is also what it reads, in the same order, as plain words (course/speech.py). Its controls come
first: Listen, then Pause/Resume and Stop while it reads, and a status line that says so when
the device has no voice for the page's language. Nothing is ever read without a tap: a room
must not hear it unasked. Speech runs in the browser (speechSynthesis): no server cost, and it
works offline on a phone. A step with a recording plays that instead (course/recordings.py).
The speed is the learner's own (sidebar), kept with their code.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from course.i18n import N_, current, tr
from course.loader import default_root
from course.recordings import mime_type
from course.speech import NO_PRONUNCIATIONS, Pronunciations, plain_words, spoken
from course.store.progress import SPEECH_RATES
from course.text import safe_markdown
from course.ui import identity
from course.ui.resources import course_result, store

# The voice is picked for the app's language (one each: the page's words are in it).
VOICE_LANGUAGES = {"en": "en-US", "es": "es-US"}
RATE = "_speech_rate"  # (learner id or None, rate): read from the store once per session
NO_SPEECH = N_(
    "This browser can't read aloud. Your device's own screen reader can read this page to you."
)
# What to say when the device has no voice for the app's language: it names that language.
NO_VOICE = {
    "en": N_(
        "This device has no English voice for reading aloud. You can add one in its settings "
        "(text-to-speech), or use its screen reader."
    ),
    "es": N_(
        "This device has no Spanish voice for reading aloud. You can add one in its settings "
        "(text-to-speech), or use its screen reader."
    ),
}
SPEED_NAMES = {0.75: N_("Slower"), 1.0: N_("Normal"), 1.25: N_("Faster"), 1.5: N_("Fastest")}
# st.html keeps no <svg>, and many computers have no emoji font: a triangle every font has.
SPEAKER = '<span aria-hidden="true">\u25b6</span>'
CSS = (
    ".course-listen{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.25rem 0}"
    ".course-listen button{display:inline-flex;align-items:center;gap:.35rem;min-height:44px;"
    "padding:.25rem .9rem;font:inherit;color:inherit;background:transparent;cursor:pointer;"
    "border:1px solid rgba(49,51,63,.35);border-radius:.5rem}"
    ".course-listen button[hidden]{display:none}"
    ".course-listen button:hover{border-color:currentColor}"
    ".course-listen button:focus-visible{outline:3px solid #1c4f9c;outline-offset:2px}"
    ".course-listen-status:empty{display:none}"
    '[class*="st-key-listen-audio-"]{display:none}'
)
# Installed once per browser tab by the page script (course/ui/pagescript.py): one click
# listener for every Listen control, the voice picked for the page's language, one reading at
# a time, each piece its own utterance (a pause between paragraphs and list items). The words
# it shows or says are in window.__courseListenWords, set in every page script (words_script):
# a change of language changes that script, so the browser runs it again with the new words.
ENGINE = (
    "if (!window.__courseListen) { window.__courseListen = true;"
    f" const style = document.createElement('style'); style.textContent = {CSS!r};"
    " document.head.append(style);"
    " const synth = window.speechSynthesis;"
    " const say = (name) => (window.__courseListenWords || {})[name] || '';"
    " let now = null;"
    ' const part = (g, n) => g.querySelector(`[data-course-say="${n}"]`);'
    " const status = (g, t) => { const s = g.querySelector('.course-listen-status');"
    "  if (s) s.textContent = t; };"
    " const show = (g, state) => { const play = part(g, 'play'), pause = part(g, 'pause'),"
    "  stop = part(g, 'stop'); const had = g.contains(document.activeElement);"
    "  play.hidden = state !== 'idle'; pause.hidden = stop.hidden = state === 'idle';"
    "  pause.textContent = say(state === 'paused' ? 'resume' : 'pause');"
    "  g.dataset.state = state; if (had) (state === 'idle' ? play : pause).focus(); };"
    " const finish = (s, message) => { if (now !== s) return; now = null;"
    "  if (s.audio) { s.audio.pause(); s.audio.currentTime = 0; }"
    "  if (s.group.isConnected) { show(s.group, 'idle'); status(s.group, message || ''); } };"
    " const stopAll = () => { const s = now; if (!s) return;"
    "  if (!s.audio && synth) synth.cancel(); finish(s, ''); };"
    " window.__courseListenStop = stopAll;"
    " const voices = () => new Promise((done) => { const have = synth.getVoices();"
    "  if (have.length) { done(have); return; }"
    "  const timer = setTimeout(() => done(synth.getVoices()), 2000);"
    "  synth.addEventListener('voiceschanged', () => { clearTimeout(timer);"
    "   done(synth.getVoices()); }, {once: true}); });"
    " const norm = (l) => String(l || '').toLowerCase().replace('_', '-');"
    " const pick = (all, lang) => { const l = norm(lang), base = l.split('-')[0];"
    "  const same = all.filter(v => norm(v.lang) === l);"
    "  const near = all.filter(v => norm(v.lang).split('-')[0] === base);"
    "  return same.find(v => v.default) || same.find(v => v.localService) || same[0]"
    "   || near.find(v => v.default) || near[0] || null; };"
    " const next = (s) => { if (now !== s) return;"
    "  if (s.index >= s.pieces.length) { finish(s, ''); return; }"
    "  const u = new SpeechSynthesisUtterance(s.pieces[s.index]);"
    "  u.voice = s.voice; u.lang = s.voice.lang; u.rate = s.rate;"
    "  u.onend = () => { if (now !== s) return; s.index += 1; next(s); };"
    "  u.onerror = (e) => { if (e.error !== 'interrupted' && e.error !== 'canceled')"
    "   finish(s, say('failed')); };"
    "  synth.speak(u); };"
    " const play = async (button) => { const g = button.closest('.course-listen'); stopAll();"
    "  const s = {group: g, index: 0, rate: parseFloat(button.dataset.rate) || 1,"
    "   pieces: JSON.parse(button.dataset.pieces || '[]'), audio: null, voice: null,"
    "   paused: false};"
    "  if (button.dataset.audio) {"
    "   const a = document.querySelector(`.st-key-${button.dataset.audio} audio`);"
    "   if (a) { now = s; s.audio = a; a.playbackRate = s.rate; a.currentTime = 0;"
    "    a.onended = () => finish(s, ''); show(g, 'playing'); status(g, '');"
    "    a.play().catch(() => finish(s, say('no_recording')));"
    "    return; } }"
    "  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') {"
    "   status(g, say('no_speech')); return; }"
    "  const voice = pick(await voices(), button.dataset.lang || 'en-US');"
    "  if (!voice) { status(g, say('no_voice')); return; }"
    "  stopAll(); s.voice = voice; now = s; show(g, 'playing'); status(g, '');"
    "  synth.cancel(); next(s); };"
    " document.addEventListener('click', (event) => {"
    "  const button = event.target.closest('[data-course-say]'); if (!button) return;"
    "  const act = button.dataset.courseSay;"
    "  if (act === 'play') { play(button); return; }"
    "  const s = now; if (!s || s.group !== button.closest('.course-listen')) return;"
    "  if (act === 'stop') { stopAll(); return; }"
    "  if (s.paused) { s.paused = false; if (s.audio) s.audio.play(); else synth.resume();"
    "   show(s.group, 'playing'); }"
    "  else { s.paused = true; if (s.audio) s.audio.pause(); else synth.pause();"
    "   show(s.group, 'paused'); } }); }"
)


def voice_language() -> str:
    """The language the device's voice reads in: the app's, as a browser names it (en-US)."""
    return VOICE_LANGUAGES.get(current(), VOICE_LANGUAGES["en"])


def words_script() -> str:
    """The statement that gives the engine its words in the app's language (our texts only)."""
    words = {
        "pause": tr("Pause"),
        "resume": tr("Resume"),
        "failed": tr("Reading aloud stopped: this device could not say it."),
        "no_recording": tr("The recording could not play on this device."),
        "no_speech": tr(NO_SPEECH),
        "no_voice": tr(NO_VOICE.get(current(), NO_VOICE["en"])),
    }
    # json.dumps escapes quotes and backslashes; "<" is escaped too, so no "</script>".
    text = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    return f"window.__courseListenWords = {text};"


class Reading:
    """What a block says: each thing drawn through it, as plain words, in the order drawn."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def md(self, text: str, draw: Callable[..., Any] | None = None, **options: Any) -> None:
        """Draw content Markdown (safe links only) with `draw` (st.markdown) and read it."""
        shown = safe_markdown(text)
        (draw or st.markdown)(shown, **options)
        self.pieces += plain_words(shown)

    def say(self, *texts: str) -> None:
        """Read these plain texts, drawn by a widget or a caption (nothing is drawn here)."""
        self.pieces += [t for t in texts if t.strip()]

    def say_md(self, text: str) -> None:
        """Read content Markdown that something else draws (e.g. a box with an icon)."""
        self.pieces += plain_words(safe_markdown(text))

    def caption(self, text: str) -> None:
        st.caption(text)
        self.say(text)

    def header(self, text: str) -> None:
        st.header(text)
        self.say(text)

    def subheader(self, text: str) -> None:
        st.subheader(text)
        self.say(text)


def sayings() -> Pronunciations:
    course = course_result().course
    return course.sayings if course else NO_PRONUNCIATIONS


def speech_rate() -> float:
    """The learner's read-aloud speed (this session's until the learner has a code)."""
    learner = identity.current()
    known = st.session_state.get(RATE)
    who = learner.id if learner else None
    if known is None or (known[0] != who and who is not None):
        rate = store().speech_rate(who) if who is not None else (known[1] if known else 1.0)
        known = st.session_state[RATE] = (who, rate)
    return float(known[1])


def _set_rate() -> None:
    rate = float(st.session_state["speech-rate"])
    learner = identity.current()
    if learner is not None:
        store().set_speech_rate(learner.id, rate)
    st.session_state[RATE] = (learner.id if learner else None, rate)


def speed_setting() -> None:
    """The read-aloud speed control (in the sidebar), remembered for the learner."""
    rate = speech_rate()
    st.session_state["speech-rate"] = rate
    st.select_slider(
        tr("Read-aloud speed"),
        options=SPEECH_RATES,
        format_func=lambda r: tr(SPEED_NAMES[r]),
        key="speech-rate",
        on_change=_set_rate,
    )
    st.markdown(tr("How fast the Listen buttons read. Kept with your code."))  # a caption: 4.39:1


def css_key(key: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def controls_html(
    pieces: list[str],
    what: str,
    rate: float,
    lang: str,
    audio_key: str | None = None,
    button: str | None = None,
) -> str:
    """The Listen control of a block: our tags only, every text escaped into attributes.

    `what` names the block (e.g. "this step", in the app's language); `button` the play
    button (Listen unless given).
    """
    data = html.escape(json.dumps(pieces, ensure_ascii=False), quote=True)
    group = html.escape(tr("Read aloud: {what}").format(what=what), quote=True)
    shown = button or tr("Listen")
    play = html.escape(f"{shown}: {what}", quote=True)
    pause, stop = html.escape(tr("Pause")), html.escape(tr("Stop"))
    audio = f' data-audio="{html.escape(audio_key, quote=True)}"' if audio_key else ""
    return (
        f'<div class="course-listen" role="group" aria-label="{group}" '
        f'data-state="idle">'
        f'<button type="button" data-course-say="play" data-pieces="{data}" '
        f'data-rate="{rate:g}" data-lang="{html.escape(lang, quote=True)}"{audio} '
        f'aria-label="{play}">{SPEAKER}<span>{html.escape(shown)}</span></button>'
        f'<button type="button" data-course-say="pause" hidden>{pause}</button>'
        f'<button type="button" data-course-say="stop" hidden>{stop}</button>'
        '<span class="course-listen-status" role="status" aria-live="polite"></span></div>'
    )


@contextmanager
def read_aloud(
    key: str,
    what: str,
    *,
    title: str | None = None,
    audio: str | None = None,
    button: str | None = None,
) -> Iterator[Reading]:
    """Draw a block: its title, its Listen control, then what the caller draws through the
    Reading yielded, which is what Listen reads (the title first). `what` names the block for
    a screen reader and `button` the play button (Listen unless given): both already in the
    app's language.

    The block is one container (class st-key-read-KEY). `audio`: a recording (path from the
    content root) that Listen plays instead of the device's voice.
    """
    name = css_key(key)
    reading = Reading()
    with st.container(key=f"read-{name}"):
        if title:
            reading.header(title)
        top = st.container(key=f"listen-{name}")
        yield reading
    pieces = spoken(reading.pieces, sayings())
    if not pieces and audio is None:
        return
    with top:
        audio_key = None
        if audio is not None:
            audio_key = f"listen-audio-{name}"
            with st.container(key=audio_key):
                st.audio(str(Path(default_root()) / audio), format=mime_type(audio))
        st.html(controls_html(pieces, what, speech_rate(), voice_language(), audio_key, button))


def listen_to(key: str, what: str, pieces: list[str]) -> None:
    """A Listen control alone, for text already drawn (plain pieces, said as they are)."""
    said = spoken(pieces, sayings())
    if said:
        with st.container(key=f"listen-{css_key(key)}"):
            st.html(controls_html(said, what, speech_rate(), voice_language()))
