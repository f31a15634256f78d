"""A threaded HTTP/1.1 server with keep-alive, serving a WSGI application.

Stripe keeps connections alive and the SDK (``requests``) reuses them; a server that closes
every connection makes each call pay a TCP handshake. Each response carries its exact
``Content-Length`` and no ``Connection: close``, so a client's session keeps one socket.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import unquote

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]
IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection is kept open


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ApiServer
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # a small answer must not wait for the client's ACK

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command, "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"), "QUERY_STRING": query,
            "SERVER_NAME": str(host), "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version, "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status_line: list[str] = []
        response_headers: list[tuple[str, str]] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> Callable[[bytes], None]:
            status_line[:] = [status]
            response_headers[:] = headers
            return lambda _data: None

        chunks = self.server.app(self._environ(body), start_response)
        try:
            payload = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        code, _, reason = status_line[0].partition(" ")
        self.send_response(int(code), reason)
        for name, value in response_headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.command != "HEAD":  # headers and body leave in one write
            cast(Any, self)._headers_buffer.append(b"\r\n" + payload)  # the stdlib's buffer
            self.flush_headers()
        else:
            self.end_headers()

    do_GET = do_POST = do_DELETE = do_HEAD = _handle

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Logged only when the emulator was started with ``log_requests``."""
        if self.server.log_requests:
            super().log_request(code, size)

    def log_error(self, format: str, *args: Any) -> None:
        """An idle keep-alive connection timing out is normal: logged only on request."""
        if self.server.log_requests:
            super().log_error(format, *args)


class ApiServer(ThreadingHTTPServer):
    """One thread per connection (daemon threads), connections kept alive."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: WsgiApp,
                 log_requests: bool = False) -> None:
        self.app = app
        self.log_requests = log_requests
        super().__init__(address, _Handler)
