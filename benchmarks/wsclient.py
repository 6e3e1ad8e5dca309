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

Used by ``benchmarks/bench_rerun.py``; it needs only ``websockets`` and ``streamlit.proto``.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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

    async def _read_run(self, started: float) -> RunResult:
        assert self._ws is not None
        count = wire = 0
        types: list[str] = []
        parts: list[bytes] = []
        while True:
            data = await self._ws.recv()
            if isinstance(data, str):
                raise ProtocolError("text frame from the server")
            count += 1
            wire += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(fwd.ref_hash)
                if cached is None:
                    raise ProtocolError(f"ref_hash {fwd.ref_hash} not in the client cache")
                resolved = ForwardMsg()
                resolved.ParseFromString(cached)
                fwd, data, kind = resolved, cached, resolved.WhichOneof("type")
            elif fwd.metadata.cacheable and fwd.hash:
                self._cache[fwd.hash] = data
            if kind == "delta":
                delta_kind = fwd.delta.WhichOneof("type")
                if delta_kind == "new_element":
                    types.append(fwd.delta.new_element.WhichOneof("type") or "")
                elif delta_kind == "add_block":
                    types.append("block")
                if self.keep_blob:
                    parts.append(data)
            elif kind == "new_session":
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
