"""A server that redirects Patchbay elsewhere: its API key, even in a header of its own
(`X-API-Key`, which reqwest does not strip the way it strips `Authorization`), never reaches
another origin."""

import json

from recording_http import RecordingServer, respond


def test_an_api_key_header_does_not_follow_a_redirect_to_another_origin(cli):
    with (
        RecordingServer(respond(404)) as elsewhere,
        RecordingServer(respond(307, {"location": f"{elsewhere.origin}/mcp"})) as server,
    ):
        cli.json(
            "server",
            "create",
            "--name",
            "keyed",
            "--url",
            f"{server.origin}/mcp",
            "--auth",
            "api_key",
            "--api-key-header",
            "X-API-Key",
            "--api-key-stdin",
            stdin="pb-test-key-123456\n",
        )
        report = cli.run("server", "test", "keyed", "--json")
        assert server.seen and server.seen[0]["headers"].get("x-api-key") == "pb-test-key-123456", server.seen
        assert all("pb-test-key-123456" not in json.dumps(r) for r in elsewhere.seen), elsewhere.seen
        assert "another origin" in report.stdout + report.stderr, report.stdout + report.stderr
