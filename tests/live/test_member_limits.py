"""What a member may do in its portal beyond its tools: serve its resources or not, take only
so many calls at once (the rest wait their turn, and the log says how long), and how long its
requests may take — the member's own bound, else the portal's, else the server's."""

import asyncio
from contextlib import AsyncExitStack

from gateway_support import LONG, everything_portal
from mcp_servers import everything
from portal_client import bearer, open_session
from waiting import until


async def call(address: str, token: str, duration: float):
    async with AsyncExitStack() as stack:
        session = await open_session(stack, f"{address}/mcp/work", bearer(token))
        await session.initialize()
        try:
            result = await session.call_tool(f"every__{LONG}", {"duration": duration, "steps": 1})
            return "".join(getattr(c, "text", "") for c in result.content), result.is_error
        except Exception as e:  # the portal's error answer
            return str(e), True


def test_a_member_limited_to_one_call_at_once_queues_the_others(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        member = cli.json("portal", "member", "update", "Work", "every", "--max-concurrent", "1")["servers"][0]
        assert member["max_concurrent"] == 1
        code, err = cli.error("portal", "member", "update", "Work", "every", "--max-concurrent", "0")
        assert err["code"] == "validation"

        async def three_at_once():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                return await asyncio.gather(
                    *(session.call_tool(f"every__{LONG}", {"duration": 1, "steps": 1}) for _ in range(3))
                )

        def queued_of_three():
            assert all(not r.is_error for r in asyncio.run(three_at_once()))
            return sorted(c["queued_ms"] for c in cli.json("portal", "log", "Work", "--limit", "3")["calls"])

        queued = until(queued_of_three, lambda q: q[2] > 0)
        # Each waited for the ones before it, one second each at least.
        assert queued[1] >= 900 and queued[2] >= 1900, queued

        cli.json("portal", "member", "update", "Work", "every", "--no-concurrency-limit")
        assert until(queued_of_three, lambda q: q[2] == 0) == [0, 0, 0]


def test_a_member_can_serve_no_resources(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)

        async def listed():
            async with AsyncExitStack() as stack:
                session = await open_session(stack, f"{address}/mcp/work", bearer(portal["token"]))
                await session.initialize()
                resources = (await session.list_resources()).resources
                templates = (await session.list_resource_templates()).resource_templates
                return len(resources), len(templates)

        assert all(n > 0 for n in asyncio.run(listed()))
        member = cli.json("portal", "member", "update", "Work", "every", "--resources", "false")["servers"][0]
        assert member["resources_enabled"] is False
        assert until(lambda: asyncio.run(listed()), lambda got: got == (0, 0)) == (0, 0)


def test_the_members_bound_comes_first_then_the_portals_then_the_servers(cli):
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        server = cli.json("server", "update", "every", "--request-timeout", "1")
        assert server["timeout_secs"] == 1
        assert cli.json("portal", "get", "Work")["servers"][0]["effective_timeout_secs"] == 1
        slow = lambda: asyncio.run(call(address, portal["token"], 3))  # noqa: E731
        text, failed = until(slow, lambda r: "within" in r[0])
        assert failed and "within 1 s" in text, text

        updated = cli.json("portal", "update", "Work", "--request-timeout", "2")
        assert updated["timeout_secs"] == 2
        text, failed = until(slow, lambda r: "within 2 s" in r[0])
        assert failed and "within 2 s" in text, text

        cli.json("portal", "member", "update", "Work", "every", "--timeout", "10")
        text, failed = until(slow, lambda r: not r[1])
        assert not failed and "completed" in text, text

        code, err = cli.error("portal", "member", "update", "Work", "every", "--timeout", "0")
        assert err["code"] == "validation"
        back = cli.json("portal", "member", "update", "Work", "every", "--default-timeout")
        assert back["servers"][0]["timeout_secs"] is None
        cli.json("portal", "update", "Work", "--request-timeout", "0")
        cli.json("server", "update", "every", "--request-timeout", "0")
        member = cli.json("portal", "get", "Work")["servers"][0]
        assert member["effective_timeout_secs"] == 300
        code, err = cli.error("portal", "update", "Work", "--request-timeout", "4000")
        assert err["code"] == "validation"
