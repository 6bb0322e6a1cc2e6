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


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
