"""A minimal Streamlit browser stand-in: protobuf over the server's real WebSocket.

It does what the frontend does for a plain rerun, and nothing more:

- ``GET /_stcore/health`` once to get the ``_streamlit_xsrf`` cookie (the health route sets it
  when XSRF protection is on), then open ``ws://host/_stcore/stream`` with
  ``Sec-WebSocket-Protocol: streamlit, <xsrf token>``, the cookie and a same-origin ``Origin``,
  as the browser does (streamlit/web/server/starlette/starlette_websocket.py);
- send a ``BackMsg`` with ``rerun_script`` = ``ClientState`` (query string, page name or page
  script hash, widget states, browser context, and the hashes of cached messages it holds);
- read ``ForwardMsg``s until a ``script_finished`` that is not ``FINISHED_EARLY_FOR_RERUN``;
- keep what the browser keeps between runs: the page script hash (from ``new_session``), the
  query string (from ``page_info_changed``) and a message cache keyed by hash, so the server
  can send ``ref_hash`` references for elements the client already has.

``LiveSession`` (at the end) adds what pages that keep talking need: a background reader,
widgets found by label, form submits, and fragment auto-reruns. Used by
``benchmarks/bench_rerun.py`` (``Session``) and ``benchmarks/bench_group.py`` (``LiveSession``);
it needs only ``websockets`` and ``streamlit.proto``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
FINAL = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


def fetch_xsrf_cookie(port: int, host: str = "127.0.0.1", timeout: float = 5.0) -> str | None:
    """Return the ``_streamlit_xsrf`` cookie value the server hands out, or None if it sets none."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{host}:{port}/_stcore/health", timeout=timeout) as resp:
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            if XSRF_COOKIE in jar:
                return jar[XSRF_COOKIE].value
    return None


class ProtocolError(RuntimeError):
    """The server sent something a working page does not send."""


@dataclass
class RunResult:
    """One script run as the client saw it."""

    seconds: float
    messages: int
    wire_bytes: int
    status: int
    element_types: list[str]
    blob: bytes  # every delta of the run (ref_hash resolved from the client cache), concatenated

    def has_text(self, text: str) -> bool:
        return text.encode("utf-8") in self.blob


@dataclass
class Session:
    """One browser tab: one WebSocket, one server-side AppSession."""

    port: int
    page_name: str  # url path of an st.navigation page ("lesson"), or "" for a one-page app
    query_string: str
    xsrf: str | None = None
    host: str = "127.0.0.1"
    # The address to connect from (any of 127.0.0.0/8 on Linux): each phone of a benchmark is
    # its own client, as real phones are, so the app's per-client limits see many clients.
    source: str | None = None
    keep_blob: bool = True
    page_script_hash: str = ""
    session_id: str = ""
    _ws: websockets.ClientConnection | None = None
    _cache: dict[str, bytes] = field(default_factory=dict)

    async def connect(self) -> None:
        headers = {"Origin": f"http://{self.host}:{self.port}"}
        protocols = ["streamlit"]
        if self.xsrf:
            headers["Cookie"] = f"{XSRF_COOKIE}={self.xsrf}"
            protocols.append(self.xsrf)
        self._ws = await websockets.connect(
            f"ws://{self.host}:{self.port}/_stcore/stream",
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,  # the server pings; the library answers in the background
            proxy=None,  # loopback: never through an http(s)_proxy from the environment
            **({"local_addr": (self.source, 0)} if self.source else {}),
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def _client_state(self) -> ClientState:
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            # The first run of a tab names the page by its url path; later runs by its hash.
            page_name="" if self.page_script_hash else self.page_name,
            cached_message_hashes=list(self._cache),
        )
        state.widget_states.SetInParent()  # no widget changed: a plain rerun
        info = state.context_info
        info.timezone = "UTC"
        info.timezone_offset = 0
        info.locale = "en-US"
        path = f"/{self.page_name}" if self.page_name else "/"
        info.url = f"http://{self.host}:{self.port}{path}?{self.query_string}"
        info.is_embedded = False
        return state

    async def rerun(self, timeout: float = 120.0) -> RunResult:
        """Ask for a rerun and wait for its end; return what came back and how long it took."""
        assert self._ws is not None, "connect() first"
        msg = BackMsg()
        msg.rerun_script.CopyFrom(self._client_state())
        payload = msg.SerializeToString()
        started = time.perf_counter()
        await self._ws.send(payload)
        return await asyncio.wait_for(self._read_run(started), timeout)

    def _decode(self, data: bytes | str) -> tuple[ForwardMsg, bytes, str | None]:
        """Parse one frame; resolve a ``ref_hash`` from the cache, cache what may be referenced."""
        if isinstance(data, str):
            raise ProtocolError("text frame from the server")
        fwd = ForwardMsg()
        fwd.ParseFromString(data)
        kind = fwd.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(fwd.ref_hash)
            if cached is None:
                raise ProtocolError(f"ref_hash {fwd.ref_hash} not in the client cache")
            resolved = ForwardMsg()
            resolved.ParseFromString(cached)
            return resolved, cached, resolved.WhichOneof("type")
        if fwd.metadata.cacheable and fwd.hash:
            self._cache[fwd.hash] = data
        return fwd, data, kind

    def _track(self, fwd: ForwardMsg, kind: str | None) -> None:
        """Keep what the browser keeps between runs: page hash, session id, query string."""
        if kind == "new_session":
            self.page_script_hash = fwd.new_session.page_script_hash
            if fwd.new_session.HasField("initialize"):
                self.session_id = fwd.new_session.initialize.session_id
        elif kind == "navigation":
            # st.navigation names the page that really ran; the next rerun asks for it.
            self.page_script_hash = fwd.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = fwd.page_info_changed.query_string
        elif kind == "page_not_found":
            raise ProtocolError(f"page not found: {fwd.page_not_found.page_name!r}")

    async def _read_run(self, started: float) -> RunResult:
        assert self._ws is not None
        count = wire = 0
        types: list[str] = []
        parts: list[bytes] = []
        while True:
            raw = await self._ws.recv()
            count += 1
            wire += len(raw)
            fwd, data, kind = self._decode(raw)
            self._track(fwd, kind)
            if kind == "delta":
                delta_kind = fwd.delta.WhichOneof("type")
                if delta_kind == "new_element":
                    types.append(fwd.delta.new_element.WhichOneof("type") or "")
                elif delta_kind == "add_block":
                    types.append("block")
                if self.keep_blob:
                    parts.append(data)
            elif kind == "script_finished" and fwd.script_finished in FINAL:
                return RunResult(
                    seconds=time.perf_counter() - started,
                    messages=count,
                    wire_bytes=wire,
                    status=fwd.script_finished,
                    element_types=types,
                    blob=b"".join(parts),
                )
            elif kind == "script_finished":
                # Stopped early for a rerun (st.rerun / st.switch_page): a new run follows.
                types.clear()
                parts.clear()


# ---------------------------------------------------------------------------------------------
# A tab that reads all the time: widgets, forms, fragments and their auto-reruns


@dataclass(frozen=True)
class Widget:
    """A widget as the last run drew it (what the browser needs to send its state)."""

    id: str
    kind: str  # element type: "text_input", "radio", "button", ...
    label: str
    form_id: str
    fragment_id: str  # the fragment that drew it ("" outside fragments)
    options: tuple[str, ...] = ()  # radio/selectbox: the formatted options, i.e. string values


def widget_state(widget_id: str, value: object) -> WidgetState:
    """A WidgetState for a plain value: str, bool, int or float."""
    state = WidgetState(id=widget_id)
    if isinstance(value, str):
        state.string_value = value
    elif isinstance(value, bool):
        state.bool_value = value
    elif isinstance(value, int):
        state.int_value = value
    elif isinstance(value, float):
        state.double_value = value
    else:
        raise TypeError(f"no widget value type for {type(value).__name__}")
    return state


DeltaHook = Callable[[ForwardMsg, bytes, float], None]


@dataclass
class LiveSession(Session):
    """A tab with a background reader, for pages that keep talking after the first run.

    ``Session.rerun`` reads until its run ends; a page with ``st.fragment(run_every=...)`` or a
    form submit sent while a poll is in flight needs what a browser does instead: read every
    message as it comes, and send whenever it likes. This class

    - reads continuously (``start()`` after ``connect()``) and counts finished runs;
    - keeps the widgets of the latest runs (id, label, form, fragment, options), so a caller can
      find "the text input labelled X" and fill it in;
    - keeps widget values once sent (the browser sends every value it holds with every rerun,
      trigger values only once) and drops those of widgets a full run no longer drew;
    - notes ``auto_rerun`` / ``stop_auto_rerun``: the fragments the browser would rerun on a
      timer (``BackMsg.rerun_script`` with ``fragment_id`` and ``is_auto_rerun``, as the
      frontend's ``handleAutoRerun`` does) and their intervals;
    - calls ``hooks`` with every delta and its arrival time (``time.perf_counter()``).

    A form submit, as ``WidgetStateManager.submitForm`` does it: the form's values and
    ``trigger_value`` for the submit button, in one ``rerun_script`` carrying the fragment id
    of the button (empty outside fragments).
    """

    widgets: dict[str, Widget] = field(default_factory=dict)
    auto_reruns: dict[str, float] = field(default_factory=dict)
    hooks: list[DeltaHook] = field(default_factory=list)
    finished: int = 0  # runs ended (not counting those stopped early for a rerun)
    in_flight: bool = False  # a rerun was sent and no run has ended since
    last_send: float = 0.0
    latencies: list[float] = field(default_factory=list)  # send -> end, for runs sent idle
    problems: list[str] = field(default_factory=list)
    last_run: RunResult | None = None
    closed: bool = False
    _values: dict[str, WidgetState] = field(default_factory=dict)
    _seen: set[str] = field(default_factory=set)
    _run_types: list[str] = field(default_factory=list)
    _run_parts: list[bytes] = field(default_factory=list)
    _run_msgs: int = 0
    _run_wire: int = 0
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the background reader (after ``connect()``)."""
        self._reader = asyncio.get_running_loop().create_task(self._read_forever())

    async def close(self) -> None:
        await super().close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None

    def find(self, kind: str, label: str) -> Widget:
        """The widget of this kind whose label starts with `label` (latest drawn)."""
        for widget in reversed(self.widgets.values()):
            if widget.kind == kind and widget.label.startswith(label):
                return widget
        drawn = [(w.kind, w.label) for w in self.widgets.values()]
        raise LookupError(f"no {kind} labelled {label!r}; drawn: {drawn}")

    async def send_rerun(
        self,
        *,
        fragment_id: str = "",
        values: dict[str, object] | None = None,
        triggers: tuple[str, ...] = (),
        is_auto_rerun: bool = False,
    ) -> float:
        """Send ``rerun_script`` with every value held, new `values` and one-shot `triggers`."""
        assert self._ws is not None, "connect() first"
        for widget_id, value in (values or {}).items():
            self._values[widget_id] = widget_state(widget_id, value)
        state = self._client_state()
        state.fragment_id = fragment_id
        state.is_auto_rerun = is_auto_rerun
        state.widget_states.widgets.extend(self._values.values())
        state.widget_states.widgets.extend(WidgetState(id=t, trigger_value=True) for t in triggers)
        msg = BackMsg()
        msg.rerun_script.CopyFrom(state)
        payload = msg.SerializeToString()
        self.last_send = time.perf_counter()
        self.in_flight = True
        await self._ws.send(payload)
        return self.last_send

    async def submit(self, button: Widget, values: dict[str, object]) -> float:
        """Submit a form: its values and the submit button's trigger, as one rerun."""
        return await self.send_rerun(
            fragment_id=button.fragment_id, values=values, triggers=(button.id,)
        )

    async def wait_finished(self, count: int, timeout: float = 120.0) -> RunResult:
        """Wait until `count` runs have ended; return the latest."""
        deadline = time.perf_counter() + timeout
        while self.finished < count:
            if self.closed:
                raise ProtocolError("the connection closed")
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"run {count} did not end in {timeout:.0f}s")
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), left)
        assert self.last_run is not None
        return self.last_run

    async def run(self, timeout: float = 120.0, **send: Any) -> RunResult:
        """Send a rerun (see ``send_rerun``) and wait for the next run to end.

        Use it when nothing else is in flight, or the run that ends may be an earlier one.
        """
        count = self.finished + 1
        await self.send_rerun(**send)
        return await self.wait_finished(count, timeout)

    async def _read_forever(self) -> None:
        assert self._ws is not None
        try:
            async for raw in self._ws:
                now = time.perf_counter()
                self._run_msgs += 1
                self._run_wire += len(raw)
                fwd, data, kind = self._decode(raw)
                self._track(fwd, kind)
                if kind == "delta":
                    self._on_delta(fwd, data, now)
                elif kind == "auto_rerun":
                    self.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
                elif kind == "stop_auto_rerun":
                    for fragment_id in fwd.stop_auto_rerun.fragment_ids:
                        self.auto_reruns.pop(fragment_id, None)
                elif kind == "script_finished":
                    self._on_finished(fwd.script_finished, now)
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass
        except Exception as exc:  # noqa: BLE001 - surfaced through problems and wait_finished
            self.problems.append(f"reader: {exc!r}")
        finally:
            self.closed = True
            self._event.set()

    def _on_delta(self, fwd: ForwardMsg, data: bytes, now: float) -> None:
        delta = fwd.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            element = delta.new_element
            kind = element.WhichOneof("type") or ""
            self._run_types.append(kind)
            if kind == "exception":
                self.problems.append(f"exception: {element.exception.message[:200]}")
            body = getattr(element, kind, None) if kind else None
            widget_id = getattr(body, "id", "") if body is not None else ""
            if widget_id and isinstance(widget_id, str):
                self.widgets.pop(widget_id, None)  # re-insert: the dict keeps drawing order
                self.widgets[widget_id] = Widget(
                    id=widget_id,
                    kind=kind,
                    label=getattr(body, "label", ""),
                    form_id=getattr(body, "form_id", ""),
                    fragment_id=delta.fragment_id,
                    options=tuple(getattr(body, "options", ()) or ()),
                )
                self._seen.add(widget_id)
        elif which == "add_block":
            self._run_types.append("block")
        if self.keep_blob:
            self._run_parts.append(data)
        for hook in self.hooks:
            hook(fwd, data, now)

    def _on_finished(self, status: int, now: float) -> None:
        if status not in FINAL:
            self._run_types.clear()
            self._run_parts.clear()
            return
        if status == ForwardMsg.FINISHED_SUCCESSFULLY:
            # A full run: forget widgets (and values) it no longer drew, as the browser does.
            for widget_id in set(self.widgets) - self._seen:
                del self.widgets[widget_id]
            for widget_id in set(self._values) - self._seen:
                del self._values[widget_id]
        self._seen = set()
        if self.in_flight:
            self.latencies.append(now - self.last_send)
        self.in_flight = False
        self.last_run = RunResult(
            seconds=now - self.last_send,
            messages=self._run_msgs,
            wire_bytes=self._run_wire,
            status=status,
            element_types=self._run_types,
            blob=b"".join(self._run_parts),
        )
        self._run_types, self._run_parts, self._run_msgs, self._run_wire = [], [], 0, 0
        self.finished += 1
        event, self._event = self._event, asyncio.Event()
        event.set()
