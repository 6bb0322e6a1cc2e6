"""MCP Apps (`io.modelcontextprotocol/ui`) through a portal: a host sees the same app as it
does on the server — the extension in the server's capabilities, the tool's `_meta.ui`, the
`ui://` resource with its MIME type and `_meta.ui` (CSP, border) — and the app's own calls,
which use the server's tool names, reach the tool. The server is the Python SDK's Apps
extension (tests/servers/python_server.py, variant `apps`)."""

import asyncio

from gateway_support import served_in_work
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import python_server
from portal_client import portal_bearer, text_of
from waiting import until

UI = "io.modelcontextprotocol/ui"
CLOCK_UI = "ui://clock/app.html"


async def app_as_seen(url: str, headers: dict, tool: str, own_name: str | None = None) -> dict:
    """What a host reads of the clock app at `url`, calling the tool as the model would
    (`tool`) and, when given, as the app itself does (`own_name`)."""
    import httpx2
    from mcp import Client

    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        async with Client(streamable_http_client(url, http_client=http)) as client:
            extensions = client.server_capabilities.extensions or {}
            [listed] = [t for t in (await client.list_tools()).tools if t.name == tool]
            [resource] = [r for r in (await client.list_resources()).resources if str(r.uri) == CLOCK_UI]
            [content] = (await client.read_resource(CLOCK_UI)).contents
            seen = {
                "extension": UI in extensions,
                "tool_ui": (listed.meta or {}).get("ui"),
                "listed_mime": resource.mime_type,
                "read_mime": content.mime_type,
                "read_ui": (content.meta or {}).get("ui"),
                "html": content.text,
                "by_model": text_of(await client.call_tool(tool, {})),
            }
            if own_name:
                seen["by_app"] = text_of(await client.call_tool(own_name, {}))
            return seen


def test_an_mcp_app_looks_the_same_through_a_portal_and_its_calls_reach_the_tool(cli):
    with python_server("apps") as url:
        portal, address = served_in_work(cli, "clock", url)

        direct = asyncio.run(app_as_seen(url, {}, "clock"))
        assert direct["tool_ui"] == {"resourceUri": CLOCK_UI, "visibility": ["model", "app"]}
        assert direct["listed_mime"] == direct["read_mime"] == "text/html;profile=mcp-app"
        assert direct["read_ui"]["csp"] == {"connectDomains": ["https://time.example"]}
        assert direct["extension"] and direct["by_model"] == "12:00"

        # The model calls the portal's name; the app, rendered from the resource, the server's.
        via = asyncio.run(app_as_seen(f"{address}/mcp/work", portal_bearer(portal), "clock__clock", own_name="clock"))
        assert via.pop("by_app") == "12:00"
        assert via == direct

        def logged():
            return [c["tool"] for c in cli.json("portal", "log", "Work")["calls"] if c["method"] == "tools/call"]

        # The log is written in batches: what it holds once both calls are in.
        assert until(logged, lambda tools: len(tools) >= 2) == ["clock__clock", "clock__clock"], (
            "the app's call is logged under the portal's name"
        )
