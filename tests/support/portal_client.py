"""An MCP client session over Streamable HTTP with headers of the test's choosing (a portal's
bearer token, an entry's headers), on the official Python SDK."""

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def open_session(stack, url: str, headers: dict, message_handler=None, timeout: float = 60) -> ClientSession:
    """A session, not yet initialized (a test picks `initialize` or `discover`), closed with `stack`."""
    http = await stack.enter_async_context(httpx2.AsyncClient(headers=headers, timeout=timeout))
    streams = await stack.enter_async_context(streamable_http_client(url, http_client=http))
    return await stack.enter_async_context(ClientSession(streams[0], streams[1], message_handler=message_handler))


async def list_tools_http(entry: dict) -> list[str]:
    """The tool names a client gets through a URL entry as the client's file has it."""
    from contextlib import AsyncExitStack

    async with AsyncExitStack() as stack:
        session = await open_session(stack, entry["url"], entry["headers"])
        await session.initialize()
        return sorted(t.name for t in (await session.list_tools()).tools)


# A 2025-06-18 client's first request, as plain JSON-RPC.
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "raw-session", "version": "1"},
    },
}


def raw_session(http: httpx2.Client, url: str) -> dict:
    """A 2025-06-18 session opened by hand over plain JSON-RPC (initialize, then initialized),
    for tests that look at the HTTP exchange itself: the headers its requests carry."""
    init = http.post(url, json=INITIALIZE)
    init.raise_for_status()
    session = {"Mcp-Session-Id": init.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
    http.post(url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=session)
    return session


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def portal_bearer(portal: dict) -> dict:
    """The header of a portal as `portal create --json` printed it (the one time it shows the token)."""
    return bearer(portal["token"])


def text_of(result) -> str:
    assert not result.is_error, result
    return "".join(getattr(c, "text", "") for c in result.content)


def method_of(message) -> str | None:
    return getattr(message, "method", None) or getattr(getattr(message, "root", None), "method", None)


def answering(asked: list) -> dict:
    """Callbacks of the Python SDK client answering sampling and elicitation, noting each request."""
    from mcp import types

    async def sample(context, params):
        asked.append(("sampling", params.messages[0].content.text))
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text="sampled-by-client"),
            model="test-model",
            stop_reason="endTurn",
        )

    async def elicit(context, params):
        asked.append(("elicitation", params.message))
        return types.ElicitResult(action="accept", content={"name": "Ada Lovelace"})

    return {"sampling_callback": sample, "elicitation_callback": elicit}
