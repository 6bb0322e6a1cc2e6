"""Transparent portals: what a server does reaches the client through the portal as it does
directly. Progress of a long call (npm server-everything's trigger-long-running-operation)
arrives the same directly, through the portal over HTTP and through the stdio entry; two
clients whose progress tokens coincide each get only their own reports."""

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager

from gateway_support import LONG, everything_portal
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import EVERYTHING, everything
from portal_client import answering, bearer, open_session, raw_session
from waiting import until


async def progress_of(session: ClientSession, tool: str, steps: int) -> list[tuple[float, float | None]]:
    seen: list[tuple[float, float | None]] = []

    async def heard(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    result = await session.call_tool(tool, {"duration": 0.5, "steps": steps}, progress_callback=heard)
    assert not result.is_error, result
    return seen


async def direct(url: str, steps: int):
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(streamable_http_client(url))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await session.initialize()
        return await progress_of(session, LONG, steps)


async def through_portal(url: str, token: str, steps: list[int]):
    """One session per entry of `steps`, all calling at once."""
    async with AsyncExitStack() as stack:
        sessions = []
        for _ in steps:
            session = await open_session(stack, url, bearer(token))
            await session.initialize()
            sessions.append(session)
        return await asyncio.gather(*(progress_of(s, f"every__{LONG}", n) for s, n in zip(sessions, steps)))


async def through_entry(cli, portal_id: str, steps: int):
    params = StdioServerParameters(command=cli.binary, args=["bridge", portal_id], env=cli.env)
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(stdio_client(params))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await asyncio.wait_for(session.initialize(), 60)
        return await progress_of(session, f"every__{LONG}", steps)


def test_progress_reaches_the_client_directly_through_the_portal_and_the_entry(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        expected = [(float(i), 4.0) for i in range(1, 5)]
        assert asyncio.run(direct(url, 4)) == expected
        [via_portal] = asyncio.run(through_portal(f"{address}/mcp/work", portal["token"], [4]))
        assert via_portal == expected
        assert asyncio.run(through_entry(cli, portal["id"], 4)) == expected

        # Both clients' first call carries the same token (the Python SDK uses its request id):
        # each hears only its own call's steps.
        three, five = asyncio.run(through_portal(f"{address}/mcp/work", portal["token"], [3, 5]))
        assert three == [(float(i), 3.0) for i in range(1, 4)]
        assert five == [(float(i), 5.0) for i in range(1, 6)]


def test_log_messages_reach_each_client_at_the_level_it_set(cli):
    """server-everything logs at random levels, one at once and one every 5 s, after
    toggle-simulated-logging; it honours the level set on its session, which the portal's
    clients share: the quiet client (emergency) must get exactly the chatty one's (debug)
    emergency messages."""
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        async def run():
            import httpx2

            quiet, chatty = [], []
            async with AsyncExitStack() as stack:
                sessions = []
                for sink in (quiet, chatty):

                    async def heard(params, sink=sink):
                        sink.append(params.level)

                    http = await stack.enter_async_context(
                        httpx2.AsyncClient(headers=bearer(portal["token"]), timeout=60)
                    )
                    streams = await stack.enter_async_context(
                        streamable_http_client(f"{address}/mcp/work", http_client=http)
                    )
                    session = await stack.enter_async_context(
                        ClientSession(streams[0], streams[1], logging_callback=heard)
                    )
                    await session.initialize()
                    sessions.append(session)
                await sessions[0].set_logging_level("emergency")
                await sessions[1].set_logging_level("debug")
                assert not (await sessions[1].call_tool("every__toggle-simulated-logging", {})).is_error
                deadline = asyncio.get_running_loop().time() + 60
                while len(chatty) < 3:
                    assert asyncio.get_running_loop().time() < deadline, (quiet, chatty)
                    await asyncio.sleep(0.05)  # waiting for notifications; bounded by the deadline
                await sessions[1].call_tool("every__toggle-simulated-logging", {})  # off again
                return quiet, chatty

        quiet, chatty = asyncio.run(run())
        assert len(set(chatty)) >= 1 and all(level in LEVELS for level in chatty)
        assert quiet == [level for level in chatty if level == "emergency"][: len(quiet)]
        assert set(quiet) <= {"emergency"}


LEVELS = {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}


def test_parallel_calls_of_one_session_do_not_wait_for_each_other(cli):
    """32 calls of a one-second tool sent at once on one client session: they run side by side
    upstream (the session's one warm session with the server multiplexes them)."""
    import time

    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        async def run():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                await session.list_tools()
                started = time.monotonic()
                results = await asyncio.gather(
                    *(session.call_tool(f"every__{LONG}", {"duration": 1, "steps": 1}) for _ in range(32))
                )
                return time.monotonic() - started, results

        took, results = asyncio.run(run())
        assert all(not r.is_error for r in results)
        assert took < 3, f"32 parallel one-second calls took {took:.1f} s"


def test_resource_updates_reach_the_clients_that_subscribed(cli):
    """server-everything sends resources/updated for its session's subscribed URIs when
    toggle-subscriber-updates starts (at once, then every 5 s); the portal subscribes the member
    once for all its clients and routes each update to the clients subscribed to its URI."""
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        async def run():
            import httpx2
            from mcp import types

            seen = {"a": [], "b": []}
            async with AsyncExitStack() as stack:
                sessions = {}
                for name in ("a", "b"):

                    async def heard(message, name=name):
                        if isinstance(message, types.ResourceUpdatedNotification):
                            seen[name].append(message.params.uri)

                    http = await stack.enter_async_context(
                        httpx2.AsyncClient(headers=bearer(portal["token"]), timeout=60)
                    )
                    streams = await stack.enter_async_context(
                        streamable_http_client(f"{address}/mcp/work", http_client=http)
                    )
                    session = await stack.enter_async_context(
                        ClientSession(streams[0], streams[1], message_handler=heard)
                    )
                    await session.initialize()
                    sessions[name] = session
                uris = [str(r.uri) for r in (await sessions["a"].list_resources()).resources][:2]
                assert len(uris) == 2, uris

                async def until(what, probe):
                    deadline = asyncio.get_running_loop().time() + 30
                    while not probe():
                        assert asyncio.get_running_loop().time() < deadline, (what, seen)
                        await asyncio.sleep(0.05)  # waiting for notifications; bounded by the deadline

                async def toggle():  # off and on again: updates are sent at once when it starts
                    for _ in range(2):
                        await sessions["b"].call_tool("every__toggle-subscriber-updates", {})

                await sessions["a"].subscribe_resource(uris[0])
                await sessions["b"].call_tool("every__toggle-subscriber-updates", {})
                await until("a hears its URI", lambda: uris[0] in seen["a"])
                assert seen["b"] == [], "b subscribed to nothing"

                await sessions["a"].unsubscribe_resource(uris[0])
                await sessions["b"].subscribe_resource(uris[1])
                heard_by_a = len(seen["a"])
                await toggle()
                await until("b hears its URI", lambda: uris[1] in seen["b"])
                assert set(seen["b"]) == {uris[1]}
                assert len(seen["a"]) == heard_by_a, "a unsubscribed"
                await sessions["b"].call_tool("every__toggle-subscriber-updates", {})  # off

        asyncio.run(run())


def test_completion_and_ping_are_answered_through_the_portal_as_directly(cli):
    from mcp import types

    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        async def completions(session: ClientSession, prompt: str):
            ref = types.PromptReference(name=prompt)
            first = await session.complete(ref, {"name": "department", "value": "S"})
            second = await session.complete(ref, {"name": "name", "value": ""}, {"department": "Engineering"})
            await session.send_ping()
            return first.completion.values, second.completion.values

        async def both():
            async with AsyncExitStack() as stack:
                streams = await stack.enter_async_context(streamable_http_client(url))
                plain = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
                await plain.initialize()
                through = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await through.initialize()
                return await completions(plain, "completable-prompt"), await completions(
                    through, "every__completable-prompt"
                )

        direct, via_portal = asyncio.run(both())
        assert direct == (["Sales", "Support"], ["Alice", "Bob", "Charlie"])
        assert via_portal == direct


async def sampling_and_elicitation(session: ClientSession, prefix: str) -> tuple[str, str]:
    sampled = await session.call_tool(f"{prefix}trigger-sampling-request", {"prompt": "hello", "maxTokens": 10})
    elicited = await session.call_tool(f"{prefix}trigger-elicitation-request", {})
    assert not sampled.is_error and not elicited.is_error, (sampled, elicited)
    return "".join(c.text for c in sampled.content), "".join(c.text for c in elicited.content)


def answering_client(streams, asked: list):
    """A Python SDK client session answering sampling and elicitation (see `answering`)."""
    return ClientSession(streams[0], streams[1], **answering(asked))


def test_sampling_and_elicitation_reach_the_client_that_made_the_call(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        tools = {t["name"] for t in cli.json("tool", "list", "every")["tools"]}
        assert {"trigger-sampling-request", "trigger-elicitation-request"} <= tools, "Patchbay offers both"

        async def direct():
            asked = []
            async with AsyncExitStack() as stack:
                streams = await stack.enter_async_context(streamable_http_client(url))
                session = await stack.enter_async_context(answering_client(streams, asked))
                await session.initialize()
                return await sampling_and_elicitation(session, ""), asked

        async def via_portal():
            import httpx2

            asked = []
            async with AsyncExitStack() as stack:
                http = await stack.enter_async_context(httpx2.AsyncClient(headers=bearer(portal["token"]), timeout=60))
                streams = await stack.enter_async_context(
                    streamable_http_client(f"{address}/mcp/work", http_client=http)
                )
                session = await stack.enter_async_context(answering_client(streams, asked))
                await session.initialize()
                return await sampling_and_elicitation(session, "every__"), asked

        async def via_entry():
            asked = []
            params = StdioServerParameters(command=cli.binary, args=["bridge", portal["id"]], env=cli.env)
            async with AsyncExitStack() as stack:
                streams = await stack.enter_async_context(stdio_client(params))
                session = await stack.enter_async_context(answering_client(streams, asked))
                await asyncio.wait_for(session.initialize(), 60)
                return await sampling_and_elicitation(session, "every__"), asked

        (sampled, elicited), asked = asyncio.run(direct())
        assert "sampled-by-client" in sampled and "Ada Lovelace" in elicited
        assert [kind for kind, _ in asked] == ["sampling", "elicitation"]
        for run in (via_portal, via_entry):
            got, got_asked = asyncio.run(run())
            assert got == (sampled, elicited), run.__name__
            assert got_asked == asked, run.__name__

        async def without_capabilities():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                sampled = await session.call_tool("every__trigger-sampling-request", {"prompt": "x"})
                elicited = await session.call_tool("every__trigger-elicitation-request", {})
                return sampled, elicited

        sampled, elicited = asyncio.run(without_capabilities())
        text = "".join(getattr(c, "text", "") for c in sampled.content)
        assert sampled.is_error and "does not offer sampling" in text, sampled
        assert "declined" in "".join(c.text for c in elicited.content).lower()

        # Each sampling and elicitation request the server made is in the portal's log, under the
        # call's tool. (The server may also ask for roots whenever a session starts; that ask is
        # not this test's business.)
        expected = sorted(
            [
                ("every__trigger-sampling-request", "sampling/createMessage", "ok"),
                ("every__trigger-elicitation-request", "elicitation/create", "ok"),
            ]
            * 2
            + [
                ("every__trigger-sampling-request", "sampling/createMessage", "answered_for_client"),
                ("every__trigger-elicitation-request", "elicitation/create", "answered_for_client"),
            ]
        )

        def asked_log():
            calls = cli.json("portal", "log", "Work", "--limit", "50")["calls"]
            asks = {"sampling/createMessage", "elicitation/create"}
            return sorted((c["tool"], c["method"], c["outcome"]) for c in calls if c["method"] in asks)

        got = until(asked_log, lambda g: g == expected, timeout=30, every=0.5)  # the log is written in batches
        assert got == expected


def rooted_client(streams, roots: list[str], asked: list):
    """The Python SDK client answering roots/list with `roots` (changeable), noting each ask."""
    from mcp import types

    async def list_roots(context):
        asked.append(list(roots))
        return types.ListRootsResult(roots=[types.Root(uri=uri, name=uri.rsplit("/", 1)[-1]) for uri in roots])

    return ClientSession(streams[0], streams[1], list_roots_callback=list_roots)


async def roots_listed(session: ClientSession, tool: str) -> str:
    result = await session.call_tool(tool, {})
    assert not result.is_error, result
    return "".join(getattr(c, "text", "") for c in result.content)


def test_roots_are_the_calling_clients_and_changes_reach_the_server(cli):
    """server-everything asks for roots just after the handshake and again at each
    roots/list_changed; its get-roots-list tool shows what it got. The entry's client comes
    after the portal's, on the same upstream session."""
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        tools = {t["name"] for t in cli.json("tool", "list", "every")["tools"]}
        assert "get-roots-list" in tools, "Patchbay declares roots to its servers"

        async def run(open_streams, tool: str):
            asked: list = []
            roots = ["file:///work/alpha"]
            async with AsyncExitStack() as stack:
                streams = await stack.enter_async_context(open_streams())
                session = await stack.enter_async_context(rooted_client(streams, roots, asked))
                await asyncio.wait_for(session.initialize(), 60)
                deadline = asyncio.get_running_loop().time() + 60
                # Through a portal the server's session is shared: it is told of each new client
                # and asks again, so it may show the last client's roots for a moment.
                while "alpha" not in (first := await roots_listed(session, tool)):
                    assert asyncio.get_running_loop().time() < deadline, first
                roots[:] = ["file:///work/beta", "file:///work/gamma"]
                await session.send_roots_list_changed()
                while "beta" not in (second := await roots_listed(session, tool)):
                    assert asyncio.get_running_loop().time() < deadline, second
                return first, second, asked

        def via_portal():
            import httpx2

            @asynccontextmanager
            async def streams():
                async with httpx2.AsyncClient(headers=bearer(portal["token"]), timeout=60) as http:
                    async with streamable_http_client(f"{address}/mcp/work", http_client=http) as s:
                        yield s

            return streams

        entry = StdioServerParameters(command=cli.binary, args=["bridge", portal["id"]], env=cli.env)
        first, second, asked = asyncio.run(run(lambda: streamable_http_client(url), "get-roots-list"))
        assert "file:///work/alpha" in first and "file:///work/gamma" in second and "alpha" not in second
        assert asked[0] == ["file:///work/alpha"] and asked[-1] == ["file:///work/beta", "file:///work/gamma"]
        for name, streams in (("portal", via_portal()), ("entry", lambda: stdio_client(entry))):
            got_first, got_second, got_asked = asyncio.run(run(streams, "every__get-roots-list"))
            assert (got_first, got_second) == (first, second), name
            assert got_asked[0] == asked[0] and got_asked[-1] == asked[-1], name


def test_a_stdio_servers_sampling_reaches_the_client_that_made_the_call(cli):
    """Over stdio no stream says which call a server's request belongs to: with one client's
    call in flight, it is that client's."""
    cli.json("server", "create", "--name", "local", "--command", "node", "--arg", str(EVERYTHING), "--sync")
    portal = cli.json("portal", "create", "--name", "Work")
    cli.json("portal", "add-server", "Work", "local")
    address = cli.json("gateway", "start")["address"]

    async def run():
        import httpx2

        asked = []
        async with AsyncExitStack() as stack:
            http = await stack.enter_async_context(httpx2.AsyncClient(headers=bearer(portal["token"]), timeout=60))
            streams = await stack.enter_async_context(streamable_http_client(f"{address}/mcp/work", http_client=http))
            session = await stack.enter_async_context(answering_client(streams, asked))
            await session.initialize()
            return await sampling_and_elicitation(session, "local__"), asked

    (sampled, elicited), asked = asyncio.run(run())
    assert "sampled-by-client" in sampled and "Ada Lovelace" in elicited
    assert [kind for kind, _ in asked] == ["sampling", "elicitation"]


def test_a_client_ends_its_session_through_the_portal_as_it_does_directly(cli):
    """DELETE with the session's id: the same status as server-everything's own (the Python
    SDK's client warns at anything but 200 or 204), and the session is gone afterwards: 404,
    as the transport spec says, which tells a client to start a new one (server-everything
    answers 400 there)."""
    import httpx2

    def ended(url: str, headers: dict) -> tuple[int, int]:
        headers = headers | {"Accept": "application/json, text/event-stream"}
        with httpx2.Client(headers=headers, timeout=60) as http:
            session = raw_session(http, url)
            deleted = http.delete(url, headers=session)
            after = http.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, headers=session)
            return deleted.status_code, after.status_code

    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        directly = ended(url, {})
        through = ended(f"{address}/mcp/{portal['slug']}", bearer(portal["token"]))
    assert directly[0] == 200, directly
    assert through == (directly[0], 404), (through, directly)
