"""server-everything (npm, pinned) over each transport: test, sync, and use it through the CLI;
the counts Patchbay reports must equal what the official Python SDK client lists."""

from contextlib import contextmanager

import pytest
import sdk_client
from mcp_servers import EVERYTHING, everything


@contextmanager
def served(transport: str):
    if transport == "stdio":
        yield ["--command", "node", "--arg", str(EVERYTHING)], {"command": ["node", str(EVERYTHING)]}
        return
    mode = "streamableHttp" if transport == "streamable_http" else "sse"
    with everything(mode) as url:
        flags = ["--url", url] + (["--transport", "sse"] if transport == "sse" else [])
        yield flags, {"url": url, "sse": transport == "sse"}


@pytest.mark.parametrize("transport", ["streamable_http", "sse", "stdio"])
def test_test_sync_and_use_over_each_transport(cli, transport):
    with served(transport) as (flags, sdk_args):
        expected = sdk_client.counts(**sdk_args)
        assert expected["tools"] > 0 and expected["prompts"] > 0 and expected["resources"] > 0

        report = cli.json("server", "test", *flags)
        assert report["transport"] == transport
        assert report["counts"] == expected
        assert report["server_info"]["name"] == "mcp-servers/everything"
        assert report["protocol_version"]
        assert report["timings_ms"]["total"] >= report["timings_ms"]["connect"]
        assert cli.json("server", "list")["servers"] == [], "a test saves nothing"

        cli.json("server", "create", "--name", "everything", *flags)
        synced = cli.json("server", "sync", "everything")
        assert synced["counts"] == expected
        assert synced["server"]["status"] == "active"
        assert synced["server"]["last_successful_sync"]
        assert synced["server"]["server_info"]["name"] == "mcp-servers/everything"

        tools = cli.json("tool", "list", "everything")["tools"]
        assert len(tools) == expected["tools"]
        assert {t["approval_state"] for t in tools} == {"approved"}, "the first sync approves all"

        echoed = cli.json("tool", "call", "everything", "echo", "--args", '{"message": "patchbay says hi"}')
        assert not echoed["is_error"]
        assert "patchbay says hi" in echoed["content"][0]["text"]

        image = cli.json("tool", "call", "everything", "get-tiny-image")
        assert any(block["type"] == "image" and block["data"] for block in image["content"])

        prompt = cli.json("prompt", "get", "everything", "args-prompt", "--args", '{"city": "Lyon"}')
        assert "Lyon" in prompt["messages"][0]["content"]["text"]

        resource = cli.json("resource", "read", "everything", "demo://resource/static/document/architecture.md")
        assert "Architecture" in resource["contents"][0]["text"]


def test_a_streamable_url_that_speaks_only_legacy_sse_falls_back(cli):
    with everything("sse") as url:
        report = cli.json("server", "test", "--url", url)
        assert report["transport"] == "sse"


def test_sync_all_reports_each_server(cli):
    with everything("streamableHttp") as url:
        for i in range(3):
            cli.json("server", "create", "--name", f"e{i}", "--url", url)
        cli.json("server", "create", "--name", "gone", "--url", "http://127.0.0.1:9/mcp")
        done = cli.run("server", "sync", "--all", "--json")
        assert done.returncode == 6, done.stderr  # the refused one sets the exit code
        out = __import__("json").loads(done.stdout)
        assert out["synced"] == 3 and out["failed"] == 1
        failed = [r for r in out["results"] if "error" in r]
        assert failed[0]["name"] == "gone" and failed[0]["error"]["category"] == "refused"
