"""A small HTTP server on 127.0.0.1 for tests of what reaches another origin: it records each
request (headers, lower-cased, and body) and answers as the test says. Stopped on exit."""

import http.server
import threading


class RecordingServer:
    def __init__(self, answer):
        """`answer(handler)` writes the response to each request."""
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
                seen.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                answer(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def respond(status: int, headers: dict | None = None, body: bytes = b""):
    """An `answer` that sends `status` with `headers` and `body`."""

    def answer(handler):
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer
