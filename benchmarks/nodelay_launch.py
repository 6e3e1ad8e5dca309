"""``streamlit`` CLI with TCP_NODELAY on every accepted connection (``bench_rerun.py --nodelay``).

Streamlit 1.67 binds its listening socket as ``socket.socket(family=...)``, so its ``proto`` is
0, and asyncio only sets TCP_NODELAY when ``sock.proto == IPPROTO_TCP``
(``asyncio.base_events._set_nodelay``). Without it, Nagle holds the frames that follow
``new_session`` until the client's delayed ACK (about 40 ms on Linux). This launcher drops the
``proto`` condition and then runs the normal CLI: ``python nodelay_launch.py run app.py ...``.
A diagnostic for the benchmark only; the app itself is not changed.
"""

from __future__ import annotations

import asyncio.base_events
import socket
import sys


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in {socket.AF_INET, socket.AF_INET6} and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


asyncio.base_events._set_nodelay = _set_nodelay  # type: ignore[attr-defined]

if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[1:]]
    main()
