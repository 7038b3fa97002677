"""A real HTTP server on 127.0.0.1 for tests of outbound requests (harvesting, link checks).

Routes map a path to a response tuple (status, headers, body) or to a function of the
query string returning one; HEAD gets GET's answer without the body unless `head_routes`
says otherwise. Every request is recorded with its headers (and its method in `methods`).
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class LocalServer:
    def __init__(self):
        self.routes = {}
        # HEAD answers where they differ from GET's (a server that refuses HEAD).
        self.head_routes = {}
        self.requests = []
        self.log = []
        self.methods = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self):
                self.do_GET(head=True)

            def do_GET(self, head=False):
                parts = urlsplit(self.path)
                server.requests.append((self.path, dict(self.headers)))
                server.methods.append("HEAD" if head else "GET")
                route = server.routes.get(parts.path)
                if head and parts.path in server.head_routes:
                    route = server.head_routes[parts.path]
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"Not found"
                elif callable(route):
                    status, headers, body = route(parse_qs(parts.query))
                else:
                    status, headers, body = route
                headers = dict(headers)
                delay = headers.pop("X-Test-Delay", None)
                no_length = headers.pop("X-Test-No-Length", None)
                if delay:
                    time.sleep(float(delay))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers and not no_length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def log_message(self, format, *args):
                # Kept for a failing test to show, instead of printed over pytest's output.
                server.log.append(format % args)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A client that stops reading (a size limit) is expected, not an error to print.
        self.httpd.handle_error = lambda request, address: None
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def add(
        self,
        path: str,
        body,
        *,
        content_type: str = "text/turtle",
        status: int = 200,
        headers: dict | None = None,
        head_status: int | None = None,
    ):
        body = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        if head_status is not None:
            self.head_routes[path] = (head_status, {"Content-Type": "text/plain"}, b"")

    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
