"""Talk to a real ``streamlit run`` server over Streamlit's own WebSocket protocol, like a tab.

A ``WireClient`` is one browser tab without a browser: it opens ``/_stcore/stream`` (from a
chosen loopback source address, so each client can look like another machine), sends the
``BackMsg`` protobufs the frontend sends and reads the ``ForwardMsg`` ones it gets back. It keeps
the page's element tree and the widget values between runs the way the frontend does, so a test
can type, tick and click through the app and read what each run drew (``Screen``).

What the frontend does, and so this kit does too:

- The server runs nothing on connect: the client asks for the first run (``rerun_script``) with
  the page's url path as ``page_name`` (st.navigation matches it against each page's
  ``url_path``; "" is the default page) and the address's query string. Later runs send the
  page's ``page_script_hash`` (from the ``navigation`` message) and the query string the server
  last set (``page_info_changed``).
- Every rerun carries the values of all widgets on screen (their defaults until changed, and
  a value the script forces with ``set_value``). A button sends ``trigger_value`` once. Values
  typed into a form stay pending until that form's submit button is pressed; then they go in
  the same rerun as the submit trigger. Widgets no longer drawn when a full run finishes are
  dropped, and so are elements that run did not draw again.
- A run ends with ``script_finished``: ``FINISHED_EARLY_FOR_RERUN`` (st.rerun, st.switch_page)
  is followed by another run, and a fragment run (``run_every``) says so in its run identity.
  The kit never starts fragment runs itself (the browser does, on a timer): use ``rerun()``.
- Cookies reach the app only from the handshake's ``Cookie`` header, and the app sets them
  with ``document.cookie = '...'`` scripts in ``st.html``: ``cookies`` is the jar those
  scripts would leave in a browser, for the next client (the next page load).
"""

from __future__ import annotations

import html as html_lib
import re
import socket
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final, Self
from urllib.parse import urlsplit

from slowdown import slow
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

SAME_ORIGIN: Final = "same-origin"  # default ``origin``: the server's own, as a browser sends
# The frontend's second subprotocol entry when it has no XSRF token to send.
NO_XSRF_TOKEN: Final = "PLACEHOLDER_AUTH_TOKEN"
MAX_MESSAGES: Final = 100_000  # per run: a bound on every receive loop, far above any page

WidgetValue = str | bool | int | float | None
TEXT_KINDS: Final = ("text_input", "text_area")
CHOICE_KINDS: Final = ("radio", "selectbox")
WIDGET_KINDS: Final = (*TEXT_KINDS, *CHOICE_KINDS, "checkbox", "number_input", "button")

_FULL_RUN_ENDS: Final = (
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
)
_COOKIE = re.compile(r"""document\.cookie\s*=\s*(['"])([^'"=;\s]+)=([^'";]*)((?:;[^'"]*)?)\1""")
_MAX_AGE_ZERO = re.compile(r";\s*max-age=0\s*(?:;|$)", re.IGNORECASE)
_INVISIBLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


class WireError(AssertionError):
    """The server did not do what a browser would wait for (timeout, closed socket...)."""


class WireRefused(WireError):
    """The server refused the WebSocket handshake (e.g. a foreign Origin: HTTP 403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Widget:
    """One widget as drawn, with the value this client holds for it."""

    kind: str  # the element type: "text_input", "checkbox", "button", ...
    id: str
    label: str
    form: str  # the form's key, "" outside any form
    value: WidgetValue  # what the next rerun sends (None: nothing, the server's default)
    options: tuple[str, ...] = ()
    disabled: bool = False
    submits_form: bool = False  # an st.form_submit_button
    integer: bool = False  # a number_input of whole numbers (sent as int_value)


@dataclass(frozen=True)
class Screen:
    """What one run left on the page, in page order (main area, then sidebar, then others)."""

    texts: list[str]  # markdown, headings, alerts, captions, code, expander labels...
    alerts: list[tuple[str, str]]  # (kind, body): "error", "warning", "info", "success"
    html: list[str]  # st.html bodies, as sent (scripts and styles included)
    widgets: dict[str, Widget]  # by label; the first one drawn if labels repeat
    all_widgets: list[Widget] = field(default_factory=list)
    page: str = ""  # url path of the page that ran ("" for the default page)
    query: str = ""  # the address's query string after the run
    page_not_found: bool = False  # the server said the asked-for page does not exist

    def has(self, fragment: str) -> bool:
        """Tell whether the fragment is in a text, a widget label or an html block's text."""
        return any(fragment in text for text in self._searchable())

    def cookies_set(self) -> dict[str, str]:
        """Cookies the page's scripts set: name -> value ("" for a cookie they drop)."""
        found: dict[str, str] = {}
        for body in self.html:
            for match in _COOKIE.finditer(body):
                dropped = _MAX_AGE_ZERO.search(match.group(4) + ";")
                found[match.group(2)] = "" if dropped else match.group(3)
        return found

    def _searchable(self) -> list[str]:
        visible = [html_lib.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", h))) for h in self.html]
        return [*self.texts, *(w.label for w in self.all_widgets), *visible]

    def __str__(self) -> str:
        return "\n".join(self.texts[-15:]) or "(nothing drawn)"


@dataclass
class _Node:
    run: str  # the script run that drew it
    element: Element | None = None
    block: Block | None = None


class WireClient:
    """One browser tab over one WebSocket to ``base`` (``http://127.0.0.1:PORT``).

    ``source`` is the loopback address the TCP connection comes from (the app's
    ``st.context.ip_address``; None there for 127.0.0.1). ``cookies`` and ``headers`` go in
    the handshake. ``origin`` is the Origin header (default: the server's own; None: none).
    ``resume`` asks to take over an existing session id (the third subprotocol entry, what
    the frontend sends when it reconnects). The handshake happens here: a refusal raises
    ``WireRefused``.
    """

    def __init__(
        self,
        base: str,
        *,
        source: str = "127.0.0.2",
        cookies: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        origin: str | None = SAME_ORIGIN,
        resume: str | None = None,
        timeout: float = 20.0,
    ) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ValueError(f"base must look like http://127.0.0.1:PORT, not {base!r}")
        self.base = f"http://{parts.netloc}"
        self.timeout = slow(timeout)  # stretched on a busy machine (tests/slowdown.py)
        self.cookies: dict[str, str] = dict(cookies or {})
        self.session_id = ""
        self._nodes: dict[tuple[int, ...], _Node] = {}
        self._values: dict[str, WidgetState] = {}  # committed: sent with every rerun
        self._pending: dict[str, WidgetState] = {}  # typed into a form, not yet submitted
        self._drawn: dict[str, Widget] = {}  # widget id -> widget, from the last screen
        self._run = ""  # id of the run whose deltas arrive now
        self._fragment_runs: set[str] = set()
        self._page_hash = ""
        self._page_name = ""
        self._page_paths: dict[str, str] = {}  # page_script_hash -> url path
        self._query = ""
        self._not_found = False
        self._screen = Screen([], [], [], {})
        self._closed_code: int | None = None
        self._stack = ExitStack()
        self._ws = self._connect(parts.hostname, parts.port, source, headers, origin, resume)

    # --- the connection -----------------------------------------------------------------------

    def _connect(
        self,
        host: str,
        port: int,
        source: str,
        headers: Mapping[str, str] | None,
        origin: str | None,
        resume: str | None,
    ) -> ClientConnection:
        extra = dict(headers or {})
        if self.cookies:
            extra.setdefault("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        names = {name.lower() for name in extra}
        sent_origin = None if "origin" in names else origin
        if sent_origin == SAME_ORIGIN:
            sent_origin = self.base
        protocols = [Subprotocol("streamlit"), Subprotocol(NO_XSRF_TOKEN)]
        if resume:
            protocols.append(Subprotocol(resume))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.bind((source, 0))
            sock.connect((host, port))
            sock.settimeout(None)  # websockets' reader thread blocks on it between messages
            connection = connect(
                f"ws://{host}:{port}/_stcore/stream",
                sock=sock,
                origin=None if sent_origin is None else Origin(sent_origin),
                additional_headers=extra,
                user_agent_header=None if "user-agent" in names else "wire_kit (websockets)",
                subprotocols=protocols,
                max_size=None,
                open_timeout=self.timeout,
            )
            # Entered as a context manager (websockets 17 warns about a bare connect()).
            return self._stack.enter_context(connection)
        except InvalidStatus as refused:
            sock.close()
            status = refused.response.status_code
            raise WireRefused(status, f"handshake refused from {source}: HTTP {status}") from None
        except BaseException:
            sock.close()
            raise

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def closed_code(self) -> int | None:
        """The close code the server sent, if it closed the socket (e.g. 1009, 1002)."""
        return self._closed_code if self._closed_code is not None else self._ws.close_code

    @property
    def local_address(self) -> tuple[str, int]:
        """This client's end of the TCP connection (the address the server sees)."""
        host, port = self._ws.local_address[:2]
        return str(host), int(port)

    @property
    def screen(self) -> Screen:
        """What the last finished run left on the page."""
        return self._screen

    def send_raw(self, msg: BackMsg | bytes) -> None:
        """Send one BackMsg (or raw bytes) as a binary frame; nothing is awaited."""
        self._ws.send(msg if isinstance(msg, bytes) else msg.SerializeToString())

    # --- what a person does -------------------------------------------------------------------

    def open(self, path: str = "", query: str = "") -> Screen:
        """Go to a page by its url path ("" is the default page), as a typed address would.

        Widget values of the page left are forgotten. Waits for the full run; returns its screen.
        """
        self._values.clear()
        self._pending.clear()
        self._page_hash = ""
        self._page_name = path.strip("/")
        self._query = query.lstrip("?")
        return self._rerun([])

    def rerun(self) -> Screen:
        """Run the page again with the current values (what a text box's Enter does)."""
        return self._rerun(list(self._values.values()))

    def value(self, label: str, *, form: str | None = None) -> WidgetValue:
        """The value the next run sends for this widget (a form's typed value included)."""
        widget = self._find(label, WIDGET_KINDS, form)
        return _state_value(self._pending.get(widget.id) or self._values.get(widget.id))

    def type(self, label: str, text: str, *, form: str | None = None) -> None:
        """Set a text_input/text_area's value for the next run (in a form: until it's sent)."""
        widget = self._find(label, TEXT_KINDS, form)
        self._set(widget, WidgetState(id=widget.id, string_value=text))

    def check(self, label: str, value: bool = True, *, form: str | None = None) -> None:
        """Tick (or untick) a checkbox for the next run."""
        widget = self._find(label, ("checkbox",), form)
        self._set(widget, WidgetState(id=widget.id, bool_value=value))

    def choose(self, label: str, option: str, *, form: str | None = None) -> None:
        """Pick a radio or selectbox option, by its shown text, for the next run."""
        widget = self._find(label, CHOICE_KINDS, form)
        if option not in widget.options:
            raise WireError(f"{label!r} has no option {option!r}: {widget.options}")
        self._set(widget, WidgetState(id=widget.id, string_value=option))

    def enter_number(self, label: str, value: float, *, form: str | None = None) -> None:
        """Set a number_input's value for the next run."""
        widget = self._find(label, ("number_input",), form)
        state = WidgetState(id=widget.id)
        if widget.integer:
            state.int_value = int(value)
        else:
            state.double_value = float(value)
        self._set(widget, state)

    def click(self, label: str, *, form: str | None = None) -> Screen:
        """Press a button (or a form's submit button) and return the screen of the run."""
        button = self._find(label, ("button",), form)
        if button.disabled:
            raise WireError(f"button {label!r} is disabled")
        if button.submits_form:
            for widget_id in list(self._pending):
                drawn = self._drawn.get(widget_id)
                if drawn is not None and drawn.form == button.form:
                    self._values[widget_id] = self._pending.pop(widget_id)
        states = [*self._values.values(), WidgetState(id=button.id, trigger_value=True)]
        if button.submits_form and self._clears_on_submit(button.form):
            for widget in self._drawn.values():
                if widget.form == button.form:
                    self._values.pop(widget.id, None)
        return self._rerun(states)

    # --- runs ---------------------------------------------------------------------------------

    def _find(self, label: str, kinds: tuple[str, ...], form: str | None) -> Widget:
        found = [
            w
            for w in self._screen.all_widgets
            if w.label == label and w.kind in kinds and (form is None or w.form == form)
        ]
        if len(found) == 1:
            return found[0]
        shown = [f"{w.kind} {w.label!r} (form {w.form!r})" for w in self._screen.all_widgets]
        problem = "no" if not found else f"{len(found)} (pass form=...)"
        raise WireError(f"{problem} {'/'.join(kinds)} labelled {label!r}; on screen: {shown}")

    def _set(self, widget: Widget, state: WidgetState) -> None:
        if widget.disabled:
            raise WireError(f"{widget.kind} {widget.label!r} is disabled")
        (self._pending if widget.form else self._values)[widget.id] = state

    def _clears_on_submit(self, form: str) -> bool:
        for node in self._nodes.values():
            if node.block is not None and node.block.WhichOneof("type") == "form":
                if node.block.form.form_id == form:
                    return node.block.form.clear_on_submit
        return False

    def _rerun(self, states: list[WidgetState]) -> Screen:
        msg = BackMsg()
        request = msg.rerun_script
        request.query_string = self._query
        request.page_script_hash = self._page_hash
        request.page_name = self._page_name
        request.widget_states.widgets.extend(states)
        request.context_info.CopyFrom(self._context())
        self.send_raw(msg)
        return self._wait_for_run()

    def _context(self) -> ContextInfo:
        path = self._page_paths.get(self._page_hash, self._page_name)
        url = f"{self.base}/{path}" + (f"?{self._query}" if self._query else "")
        return ContextInfo(
            timezone="UTC", timezone_offset=0, locale="en-US", url=url, is_embedded=False
        )

    def _wait_for_run(self) -> Screen:
        """Read messages until a full run started after our request has finished."""
        deadline = time.monotonic() + self.timeout
        started = False
        self._not_found = False
        for _ in range(MAX_MESSAGES):
            msg = self._receive(deadline)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                fragments = msg.metadata.run.fragment_ids
                self._run = msg.metadata.run.script_run_id
                if fragments:
                    self._fragment_runs.add(self._run)
                else:
                    started = True
                if msg.new_session.HasField("initialize"):
                    self.session_id = msg.new_session.initialize.session_id
            elif kind == "script_finished":
                run = msg.metadata.run.script_run_id or self._run
                if started and run not in self._fragment_runs:
                    if msg.script_finished in _FULL_RUN_ENDS and run == self._run:
                        return self._finish_run()
            else:
                self._apply(msg, kind)
        raise WireError(f"more than {MAX_MESSAGES} messages in one run")

    def _receive(self, deadline: float) -> ForwardMsg:
        left = deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            data = self._ws.recv(timeout=left)
        except TimeoutError:
            raise WireError(
                f"the run did not finish within {self.timeout:g}s; last texts:\n"
                f"{self._build_screen()}"
            ) from None
        except ConnectionClosed as closed:
            self._closed_code = closed.rcvd.code if closed.rcvd else None
            raise WireError(
                f"the server closed the socket (code {self._closed_code}); last texts:\n"
                f"{self._build_screen()}"
            ) from None
        if isinstance(data, str):
            raise WireError(f"the server sent a text frame: {data[:200]!r}")
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            raise WireError("the server sent a cached-message reference (never asked for)")
        return msg

    def _apply(self, msg: ForwardMsg, kind: str | None) -> None:
        if kind == "delta":
            self._apply_delta(msg)
        elif kind == "navigation":
            self._page_hash = msg.navigation.page_script_hash
            self._page_paths = {
                p.page_script_hash: p.url_pathname for p in msg.navigation.app_pages
            }
            self._page_name = self._page_paths.get(self._page_hash, "")
        elif kind == "page_info_changed":
            self._query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self._not_found = True

    def _apply_delta(self, msg: ForwardMsg) -> None:
        path = tuple(msg.metadata.delta_path)
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "new_element":
            before = self._nodes.get(path)
            if delta.new_element.WhichOneof("type") == "html":
                old = before.element if before is not None else None
                if (
                    old is None
                    or old.WhichOneof("type") != "html"
                    or old.html.body != (delta.new_element.html.body)
                ):
                    self._run_cookie_script(delta.new_element.html.body)
            for other in [p for p in self._nodes if p[: len(path)] == path and p != path]:
                del self._nodes[other]
            self._nodes[path] = _Node(self._run, element=delta.new_element)
            self._seed(delta.new_element)
        elif which == "add_block":
            self._nodes[path] = _Node(self._run, block=delta.add_block)

    def _run_cookie_script(self, body: str) -> None:
        """Keep what the cookie statements of a newly drawn html block do in a browser.

        Like the frontend, a block's script runs when it is drawn with a new text (a block
        sent again unchanged at the same place does not run again), even in a run cut short.
        """
        for name, value in Screen([], [], [body], {}).cookies_set().items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)

    def _seed(self, element: Element) -> None:
        """Take a widget's value as the frontend does: its default once, or a forced value."""
        kind = element.WhichOneof("type")
        if kind not in WIDGET_KINDS or kind == "button":
            return
        widget_id: str = getattr(element, str(kind)).id
        forced, value, default = _server_values(element)
        if forced:
            self._pending.pop(widget_id, None)
            if value is None:
                self._values.pop(widget_id, None)
            else:
                self._values[widget_id] = value
        elif widget_id not in self._values and default is not None:
            self._values[widget_id] = default

    def _finish_run(self) -> Screen:
        """Drop what this run did not draw again, and widgets no longer on the page."""
        self._nodes = {p: n for p, n in self._nodes.items() if n.run == self._run}
        screen = self._build_screen()
        ids = {w.id for w in screen.all_widgets}
        self._values = {k: v for k, v in self._values.items() if k in ids}
        self._pending = {k: v for k, v in self._pending.items() if k in ids}
        self._drawn = {w.id: w for w in screen.all_widgets}
        self._screen = screen
        return screen

    def _build_screen(self) -> Screen:
        texts: list[str] = []
        alerts: list[tuple[str, str]] = []
        bodies: list[str] = []
        widgets: list[Widget] = []
        for path in sorted(self._nodes):
            node = self._nodes[path]
            if node.block is not None:
                texts.extend(_block_texts(node.block))
            elif node.element is not None:
                element = node.element
                kind = element.WhichOneof("type")
                if kind == "html":
                    bodies.append(element.html.body)
                elif kind == "alert":
                    name = Alert.Format.Name(element.alert.format).lower()
                    alerts.append((name, element.alert.body))
                    texts.append(element.alert.body)
                elif kind == "exception":
                    alerts.append(("exception", element.exception.message))
                    texts.append(element.exception.message)
                elif kind in WIDGET_KINDS:
                    widgets.append(self._widget(element))
                else:
                    texts.extend(_element_texts(element))
        page = self._page_paths.get(self._page_hash, self._page_name)
        by_label: dict[str, Widget] = {}
        for widget in widgets:
            by_label.setdefault(widget.label, widget)
        return Screen(texts, alerts, bodies, by_label, widgets, page, self._query, self._not_found)

    def _widget(self, element: Element) -> Widget:
        kind = str(element.WhichOneof("type"))
        proto = getattr(element, kind)
        state = self._pending.get(proto.id) or self._values.get(proto.id)
        options: tuple[str, ...] = tuple(proto.options) if kind in CHOICE_KINDS else ()
        return Widget(
            kind=kind,
            id=proto.id,
            label=proto.label,
            form=proto.form_id,
            value=_state_value(state),
            options=options,
            disabled=proto.disabled,
            submits_form=kind == "button" and element.button.is_form_submitter,
            integer=kind == "number_input" and element.number_input.data_type == NumberInput.INT,
        )


def _server_values(element: Element) -> tuple[bool, WidgetState | None, WidgetState | None]:
    """(forced, forced value, default) of a widget element, as WidgetStates."""
    kind = element.WhichOneof("type")
    if kind in TEXT_KINDS:
        text = element.text_input if kind == "text_input" else element.text_area
        value = WidgetState(id=text.id, string_value=text.value)
        default = WidgetState(id=text.id, string_value=text.default)
        return (
            text.set_value,
            value if text.HasField("value") else None,
            default if text.HasField("default") else None,
        )
    if kind == "checkbox":
        box = element.checkbox
        return (
            box.set_value,
            WidgetState(id=box.id, bool_value=box.value),
            WidgetState(id=box.id, bool_value=box.default),
        )
    if kind in CHOICE_KINDS:
        choice = element.radio if kind == "radio" else element.selectbox
        forced = WidgetState(id=choice.id, string_value=choice.raw_value)
        picked = None
        if choice.HasField("default") and 0 <= choice.default < len(choice.options):
            picked = WidgetState(id=choice.id, string_value=choice.options[choice.default])
        return choice.set_value, forced if choice.HasField("raw_value") else None, picked
    number = element.number_input
    is_int = number.data_type == NumberInput.INT

    def state(value: float) -> WidgetState:
        if is_int:
            return WidgetState(id=number.id, int_value=int(value))
        return WidgetState(id=number.id, double_value=value)

    return (
        number.set_value,
        state(number.value) if number.HasField("value") else None,
        state(number.default) if number.HasField("default") else None,
    )


def _state_value(state: WidgetState | None) -> WidgetValue:
    if state is None:
        return None
    which = state.WhichOneof("value")
    if which in ("string_value", "bool_value", "int_value", "double_value", "trigger_value"):
        value: WidgetValue = getattr(state, which)
        return value
    return None


def _element_texts(element: Element) -> list[str]:
    kind = element.WhichOneof("type")
    if kind == "markdown":
        divider = element.markdown.element_type == Markdown.DIVIDER
        return [] if divider else [element.markdown.body]
    if kind in ("heading", "text", "toast"):
        return [getattr(element, kind).body]
    if kind == "code":
        return [element.code.code_text]
    if kind == "metric":
        return [element.metric.label, element.metric.body]
    if kind in ("link_button", "page_link"):
        return [getattr(element, kind).label]
    if kind == "imgs":  # an image says what it is through its alt text (and caption)
        return [t for image in element.imgs.imgs for t in (image.alt, image.caption) if t]
    return []


def _block_texts(block: Block) -> list[str]:
    kind = block.WhichOneof("type")
    if kind in ("expandable", "popover", "tab"):
        label: str = getattr(block, kind).label
        return [label] if label else []
    if kind == "dialog":
        return [block.dialog.title] if block.dialog.title else []
    return []
