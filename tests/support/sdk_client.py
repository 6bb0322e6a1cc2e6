"""An independent view of a server: what the official Python MCP SDK client lists. The counts
Patchbay reports are checked against these, not against numbers written in the tests."""

import asyncio
from contextlib import AsyncExitStack

import mcp_types
from mcp import ClientSession, StdioServerParameters
from mcp.client.sse import sse_client
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client


async def _all(list_page, field: str) -> list:
    items, cursor = [], None
    for _ in range(1000):
        page = await list_page(params=mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        items += getattr(page, field)
        cursor = page.next_cursor
        if not cursor:
            return items
    raise RuntimeError("the server pages without end")


async def _counts(transport) -> dict:
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(transport)

        # Patchbay offers its servers sampling, elicitation and roots (for the clients of its
        # portals); so does this client, since servers list tools by what the client offers.
        async def sample(context, params):
            raise RuntimeError("not asked while listing")

        async def elicit(context, params):
            raise RuntimeError("not asked while listing")

        async def roots(context):  # server-everything asks just after the handshake
            return mcp_types.ListRootsResult(roots=[])

        session = await stack.enter_async_context(
            ClientSession(
                streams[0], streams[1], sampling_callback=sample, elicitation_callback=elicit, list_roots_callback=roots
            )
        )
        await session.initialize()
        return {
            "tools": len(await _all(session.list_tools, "tools")),
            "prompts": len(await _all(session.list_prompts, "prompts")),
            "resources": len(await _all(session.list_resources, "resources")),
            "resource_templates": len(await _all(session.list_resource_templates, "resource_templates")),
        }


def counts(url: str | None = None, sse: bool = False, command: list[str] | None = None) -> dict:
    if command:
        transport = stdio_client(StdioServerParameters(command=command[0], args=command[1:]))
    elif sse:
        transport = sse_client(url)
    else:
        transport = streamable_http_client(url)
    return asyncio.run(_counts(transport))
