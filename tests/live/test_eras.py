"""Asking for input across the protocol eras: an `initialize`-era server asks during the call
(sampling/elicitation requests), a 2026-07-28 one answers `input_required` and takes the
answers on a retry (MRTR). Through a portal each client gets its own era's way, whichever the
server's: the Python SDK server's `greet` (which asks both ways, as the negotiated protocol
says) and npm server-everything (`initialize` era only), with Python SDK clients of both
eras."""

import asyncio
from contextlib import AsyncExitStack

from gateway_support import everything_portal, served_in_work
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import everything, python_server
from portal_client import answering, portal_bearer, text_of


async def ask(url, headers: dict, modern: bool, calls: list[tuple[str, dict]]):
    """A Python SDK client of one era answering sampling and elicitation (as noted), making
    `calls`; it drives `input_required` rounds itself. `url` may be the stdio entry's
    parameters instead."""
    import httpx2
    from mcp import Client

    asked: list = []
    mode = "2026-07-28" if modern else "legacy"
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        transport = streamable_http_client(url, http_client=http) if isinstance(url, str) else url
        async with Client(transport, mode=mode, **answering(asked)) as client:
            texts = [text_of(await client.call_tool(name, args)) for name, args in calls]
    return texts, sorted(kind for kind, _ in asked)


def test_a_2026_server_asking_in_rounds_reaches_clients_of_both_eras(cli):
    with python_server("asking") as url:
        portal, address = served_in_work(cli, "asker", url)
        assert cli.json("server", "get", "asker")["server_info"]["protocol_version"] == "2026-07-28"

        from mcp import StdioServerParameters

        entry = StdioServerParameters(command=cli.binary, args=["bridge", portal["id"]], env=cli.env)
        expected = (["sampled-by-client, Ada Lovelace!"], ["elicitation", "sampling"])
        for modern in (False, True):
            assert asyncio.run(ask(url, {}, modern, [("greet", {})])) == expected, f"direct, modern={modern}"
            got = asyncio.run(ask(f"{address}/mcp/work", portal_bearer(portal), modern, [("asker__greet", {})]))
            assert got == expected, f"through the portal, modern={modern}"
            got = asyncio.run(ask(entry, {}, modern, [("asker__greet", {})]))
            assert got == expected, f"through the stdio entry, modern={modern}"


async def prompt_text(url, headers: dict, modern: bool, name: str):
    """The `greeting` prompt as a Python SDK client of one era gets it, answering what it is asked."""
    import httpx2
    from mcp import Client

    asked: list = []
    mode = "2026-07-28" if modern else "legacy"
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode, **answering(asked)) as client:
            prompt = await client.get_prompt(name)
    return prompt.messages[0].content.text, [kind for kind, _ in asked]


def test_a_2026_prompt_asking_in_rounds_reaches_clients_of_both_eras(cli):
    with python_server("asking") as url:
        portal, address = served_in_work(cli, "asker", url)

        expected = ("Greet Ada Lovelace warmly.", ["elicitation"])
        assert asyncio.run(prompt_text(url, {}, True, "greeting")) == expected
        for modern in (True, False):
            got = asyncio.run(prompt_text(f"{address}/mcp/work", portal_bearer(portal), modern, "asker__greeting"))
            assert got == expected, f"through the portal, modern={modern}"


def test_an_initialize_era_server_asking_during_the_call_reaches_a_2026_client_in_rounds(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        calls = [
            ("trigger-sampling-request", {"prompt": "hello", "maxTokens": 10}),
            ("trigger-elicitation-request", {}),
        ]
        direct = asyncio.run(ask(url, {}, False, calls))
        assert "sampled-by-client" in direct[0][0] and "Ada Lovelace" in direct[0][1]
        modern = asyncio.run(
            ask(f"{address}/mcp/work", portal_bearer(portal), True, [(f"every__{n}", a) for n, a in calls])
        )
        assert modern == direct


def test_a_2026_request_whose_mcp_method_header_lies_is_refused(cli):
    """2026-07-28 requests name their method and tool in headers (Mcp-Method, Mcp-Name) for
    proxies to route by; the gateway checks them against the body."""
    import httpx2
    from mcp import ClientSession

    with python_server("asking") as url:
        portal, address = served_in_work(cli, "asker", url)

        async def lying(request):
            if request.headers.get("mcp-method") == "tools/call":
                request.headers["Mcp-Method"] = "tools/list"

        async def run():
            async with AsyncExitStack() as stack:
                http = await stack.enter_async_context(
                    httpx2.AsyncClient(headers=portal_bearer(portal), timeout=60, event_hooks={"request": [lying]})
                )
                streams = await stack.enter_async_context(
                    streamable_http_client(f"{address}/mcp/work", http_client=http)
                )
                session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
                await session.discover()
                assert (await session.list_tools()).tools, "other requests pass"
                try:
                    await session.call_tool("asker__add", {"a": 1, "b": 2})
                except Exception as e:
                    return str(e)
                return "answered"

        assert "Mcp-Method" in asyncio.run(run())
