"""A reverse proxy that terminates HTTPS on loopback, as the production one does.

It plays the proxy the README describes in front of gunicorn: it accepts TLS with a
self-signed certificate made for the run, forwards each request over plain HTTP to the app
and adds `X-Forwarded-For` and `X-Forwarded-Proto: https` (the app trusts them with
`PROXY_COUNT=1`). Headers a client sends under those names are dropped, as a proxy must.
"""

from __future__ import annotations

import http.client
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
FORWARDED = {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded"}


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _handler(backend_port: int) -> type[BaseHTTPRequestHandler]:
    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def setup(self) -> None:
            super().setup()
            self.request.do_handshake()  # here, in this connection's thread, not in accept()

        def forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            dropped = FORWARDED | HOP_BY_HOP
            headers = [(name, value) for name, value in self.headers.items() if name.lower() not in dropped]
            headers += [("X-Forwarded-For", self.client_address[0]), ("X-Forwarded-Proto", "https")]
            if body is not None:
                headers.append(("Content-Length", str(len(body))))
            upstream = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=30)
            try:
                upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in headers:
                    upstream.putheader(name, value)
                upstream.endheaders(body)
                response = upstream.getresponse()
                content = response.read()
            finally:
                upstream.close()
            self.send_response_only(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def do_GET(self) -> None:
            self.forward()

        def do_HEAD(self) -> None:
            self.forward()

        def do_POST(self) -> None:
            self.forward()

        def log_message(self, format: str, *args) -> None:
            pass  # the app logs its own requests

    return Forward


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A browser may drop a connection or refuse the self-signed certificate on a probe
        # before it retries with the error ignored; neither is the app's business.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


@contextmanager
def https_proxy(port: int, backend_port: int, cert: Path, key: Path) -> Iterator[None]:
    """Serve https://127.0.0.1:`port`, forwarding to http://127.0.0.1:`backend_port`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _Server(("127.0.0.1", port), _handler(backend_port))
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
