"""Servers that are not (working) MCP servers, for the failure tests; standard library only.

misbehaving.py html PORT          answers every request with an HTML page
misbehaving.py silent PORT        accepts connections and never answers
misbehaving.py unauthorized PORT  answers 401 with a WWW-Authenticate challenge
misbehaving.py huge PORT          answers with a 20 MiB JSON body
"""

import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

kind, port = sys.argv[1], int(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if kind == "unauthorized":
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if kind == "huge":
            body = b'{"jsonrpc": "2.0", "id": 0, "result": {"padding": "' + b"x" * (20 << 20) + b'"}}'
            content_type = "application/json"
        else:
            body = b"<!doctype html><html><body><h1>Welcome to our website</h1></body></html>"
            content_type = "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = answer

    def log_message(self, *args) -> None:
        pass


if kind == "silent":
    listener = socket.create_server(("127.0.0.1", port))
    held = []
    while True:
        conn, _ = listener.accept()
        held.append(conn)  # read nothing, answer nothing, close nothing
else:
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
