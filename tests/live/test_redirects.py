"""A server that redirects Patchbay elsewhere: its API key, even in a header of its own
(`X-API-Key`, which reqwest does not strip the way it strips `Authorization`), never reaches
another origin."""

import http.server
import json
import threading


class Local:
    """A small HTTP server on 127.0.0.1 that records each request's headers and answers with
    `answer(handler)`."""

    def __init__(self, answer):
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                seen.append({k.lower(): v for k, v in self.headers.items()})
                self.rfile.read(int(self.headers.get("content-length") or 0))
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


def not_found(handler):
    handler.send_response(404)
    handler.send_header("content-length", "0")
    handler.end_headers()


def test_an_api_key_header_does_not_follow_a_redirect_to_another_origin(cli):
    with Local(not_found) as elsewhere:
        def redirect(handler):
            handler.send_response(307)
            handler.send_header("location", f"{elsewhere.origin}/mcp")
            handler.send_header("content-length", "0")
            handler.end_headers()

        with Local(redirect) as server:
            cli.json("server", "create", "--name", "keyed", "--url", f"{server.origin}/mcp", "--auth", "api_key",
                     "--api-key-header", "X-API-Key", "--api-key-stdin", stdin="pb-test-key-123456\n")
            report = cli.run("server", "test", "keyed", "--json")
            assert server.seen and server.seen[0].get("x-api-key") == "pb-test-key-123456", server.seen
            assert all("pb-test-key-123456" not in json.dumps(h) for h in elsewhere.seen), elsewhere.seen
            assert "another origin" in report.stdout + report.stderr, report.stdout + report.stderr
