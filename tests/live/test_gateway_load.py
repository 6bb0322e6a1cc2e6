"""The gateway under many clients, and the prompts and resources it serves: 100 Python SDK
clients at once over two real upstreams, then no session or file descriptor left behind;
prompts and resources of members match what the upstream itself lists."""

import asyncio
import os
from contextlib import AsyncExitStack

import sdk_client
from gateway_support import gateway, status, work_portal
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import everything, python_server
from portal_client import bearer, open_session
from waiting import until

CLIENTS = 100
CALLS_EACH = 6


async def one_client(url: str, token: str, n: int, address: str | None = None) -> None:
    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        if address:  # the count is real: this open session is in it
            assert status(address, token)["client_sessions"] >= 1
        names = {t.name for t in (await session.list_tools()).tools}
        assert {"every__echo", "notes__add"} <= names
        for i in range(CALLS_EACH):
            if i % 2:
                result = await session.call_tool("every__echo", {"message": f"client {n} call {i}"})
                assert f"client {n} call {i}" in result.content[0].text
            else:
                result = await session.call_tool("notes__add", {"a": n, "b": i})
                assert result.content[0].text == str(n + i)


async def many_clients(url: str, token: str) -> None:
    await asyncio.gather(*(one_client(url, token, n) for n in range(CLIENTS)))


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def fd_kinds(pid: int) -> list[str]:
    """What each descriptor is (for the failure message): a file, a pipe, or a socket's ends."""
    tcp = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            for line in open(table).read().splitlines()[1:]:
                f = line.split()
                tcp[f[9]] = f"{int(f[1].rsplit(':', 1)[1], 16)}->{int(f[2].rsplit(':', 1)[1], 16)} st{f[3]}"
        except OSError:
            pass
    kinds = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        inode = target[len("socket:[") : -1] if target.startswith("socket:[") else None
        kinds.append(f"tcp {tcp[inode]}" if inode in tcp else target)
    return sorted(kinds)


def settled(address: str, token: str, pid: int, baseline_fds: int, timeout: float = 90.0) -> tuple[dict, int]:
    """The gateway's status and fd count once client sessions are gone. The bound is generous:
    on a loaded machine the upstreams close their idle keep-alive connections (5 s in Node and
    uvicorn) late, and the gateway holds its end until they do."""
    return until(
        lambda: (status(address, token), open_fds(pid)),
        lambda got: got[0]["client_sessions"] == 0 and got[1] <= baseline_fds + 4,
        timeout,
        every=0.1,
    )


def test_a_hundred_concurrent_clients_and_nothing_left_open(cli):
    with everything("streamableHttp") as every, python_server("base") as notes:
        token = work_portal(cli, ("every", every), ("notes", notes))["token"]
        with gateway(cli) as (address, process):
            url = f"{address}/mcp/work"
            asyncio.run(one_client(url, token, 0, address))  # also warms both upstream sessions
            warm, baseline = settled(address, token, process.pid, 10_000)
            assert warm["upstream_sessions"] == 2, warm

            asyncio.run(many_clients(url, token))
            after, fds = settled(address, token, process.pid, baseline)
            assert after["client_sessions"] == 0, after
            assert after["upstream_sessions"] == 2, "clients share the warm upstream sessions"
            assert fds <= baseline + 4, (
                f"{fds} open descriptors after the run, {baseline} before: {fd_kinds(process.pid)}"
            )

            # A second round leaves it where the first did: nothing grows with use.
            asyncio.run(many_clients(url, token))
            again, fds_again = settled(address, token, process.pid, baseline)
            assert again == after
            assert fds_again <= baseline + 4, f"{fds_again} after two runs, {baseline} before: {fd_kinds(process.pid)}"

        calls = cli.json("portal", "log", "Work", "--limit", "100000")["calls"]
        outcomes = {c["outcome"] for c in calls}
        assert outcomes == {"ok"}, outcomes
        assert len(calls) == (2 * CLIENTS + 1) * CALLS_EACH


async def prompts_and_resources(url: str, token: str) -> dict:
    async with AsyncExitStack() as stack:
        session = await open_session(stack, url, bearer(token))
        await session.initialize()
        prompts = sorted(p.name for p in await sdk_client._all(session.list_prompts, "prompts"))
        resources = await sdk_client._all(session.list_resources, "resources")
        templates = await sdk_client._all(session.list_resource_templates, "resource_templates")
        summary = await session.get_prompt("notes__summarize", {"title": "groceries"})
        first = resources[0]
        read = await session.read_resource(first.uri)
        missing_failed = False
        try:
            await session.read_resource("nowhere://nothing")
        except Exception:
            missing_failed = True
        return {
            "prompts": prompts,
            "resources": len(resources),
            "templates": len(templates),
            "summary": summary.messages[0].content.text,
            "read_uri": str(read.contents[0].uri),
            "first_uri": str(first.uri),
            "missing_failed": missing_failed,
        }


async def upstream_prompt_names(url: str) -> list[str]:
    async with AsyncExitStack() as stack:
        streams = await stack.enter_async_context(streamable_http_client(url))
        session = await stack.enter_async_context(ClientSession(streams[0], streams[1]))
        await session.initialize()
        return [p.name for p in await sdk_client._all(session.list_prompts, "prompts")]


def test_prompts_and_resources_of_members_are_served(cli):
    with everything("streamableHttp") as every, python_server("base") as notes:
        token = work_portal(cli, ("every", every), ("notes", notes))["token"]
        direct = sdk_client.counts(every)
        every_prompts = asyncio.run(upstream_prompt_names(every))
        with gateway(cli) as (address, _):
            served = asyncio.run(prompts_and_resources(f"{address}/mcp/work", token))
    assert served["prompts"] == sorted(["notes__summarize", *(f"every__{p}" for p in every_prompts)])
    assert served["resources"] == direct["resources"]
    assert served["templates"] == direct["resource_templates"]
    assert served["summary"] == "Summarize the note groceries."
    assert served["read_uri"] == served["first_uri"]
    assert served["missing_failed"]
