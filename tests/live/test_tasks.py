"""Tasks (SEP-2663) through a portal. A client that takes tasks gets the member's task under an
id the portal namespaces by member, and `tasks/get` and `tasks/cancel` reach the member; a
client that does not, and Patchbay's own calls, get the task's end as the call's result. No
server or client we can install implements the extension, so both sides are small ones of
ours on the Python SDK's extension points (tests/servers/tasks_extension.py,
tests/support/tasks_client.py)."""

import asyncio

import pytest
from mcp.client.streamable_http import streamable_http_client
from mcp_servers import python_server
from portal_client import portal_bearer, text_of
from tasks_client import TaskHandle, TasksClient, cancel_task, task_state
from waiting import until

ARGS = {"a": 2, "b": 3, "seconds": 0.3}


def tasker_portal(cli, url: str, *portals: str) -> tuple[str, list[dict], str]:
    cli.json("server", "create", "--name", "tasker", "--url", url, "--sync")
    server_id = cli.json("server", "get", "tasker")["id"]
    made = []
    for name in portals:
        made.append(cli.json("portal", "create", "--name", name))
        cli.json("portal", "add-server", name, "tasker")
    return server_id, made, cli.json("gateway", "start")["address"]


def client(url, headers: dict, extensions: list):
    import httpx2
    from mcp import Client

    http = httpx2.AsyncClient(headers=headers, timeout=60)
    transport = streamable_http_client(url, http_client=http) if isinstance(url, str) else url
    return http, Client(transport, extensions=extensions)


async def add_slowly(url, headers: dict, takes_tasks: bool, tool: str) -> tuple[str, list[str]]:
    """The call's text, and the ids of the tasks the client was handed."""
    tasks = TasksClient()
    http, session = client(url, headers, [tasks] if takes_tasks else [])
    async with http, session:
        return text_of(await session.call_tool(tool, ARGS)), tasks.handed


def test_a_members_task_reaches_a_client_that_takes_tasks_and_its_end_one_that_does_not(cli):
    from mcp import StdioServerParameters

    with python_server("tasks") as url:
        server_id, [portal], address = tasker_portal(cli, url, "Work")
        work = f"{address}/mcp/work"

        text, [own] = asyncio.run(add_slowly(url, {}, True, "slow_add"))
        assert text == "5"
        assert asyncio.run(add_slowly(url, {}, False, "slow_add")) == ("5", []), "no task without the extension"

        text, [exposed] = asyncio.run(add_slowly(work, portal_bearer(portal), True, "tasker__slow_add"))
        assert text == "5" and exposed.startswith(f"{server_id}.") and len(exposed) == len(server_id) + 1 + len(own)
        assert asyncio.run(add_slowly(work, portal_bearer(portal), False, "tasker__slow_add")) == ("5", [])

        entry = StdioServerParameters(command=cli.binary, args=["bridge", portal["id"]], env=cli.env)
        text, [exposed] = asyncio.run(add_slowly(entry, {}, True, "tasker__slow_add"))
        assert text == "5" and exposed.startswith(f"{server_id}.")

        # Patchbay's own call follows the task to its end.
        called = cli.json("tool", "call", "tasker", "slow_add", "--args", '{"a": 2, "b": 3, "seconds": 0.3}')
        assert called["content"][0]["text"] == "5"


def test_a_task_is_cancelled_through_the_portal_and_only_its_portal_knows_its_id(cli):
    from mcp.shared.exceptions import MCPError

    with python_server("tasks") as url:
        _, [work, other], address = tasker_portal(cli, url, "Work", "Other")

        async def scenario():
            http, session = client(f"{address}/mcp/work", portal_bearer(work), [TasksClient()])
            async with http, session:
                handle = await session.session.call_tool(
                    "tasker__slow_add", {**ARGS, "seconds": 60}, allow_claimed=True
                )
                assert isinstance(handle, TaskHandle) and handle.status == "working"
                assert (await task_state(session.session, handle.task_id)).status == "working"

                http2, elsewhere = client(f"{address}/mcp/other", portal_bearer(other), [TasksClient()])
                async with http2, elsewhere:
                    with pytest.raises(MCPError, match="handed out no task"):
                        await task_state(elsewhere.session, handle.task_id)
                with pytest.raises(MCPError, match="handed out no task"):
                    await task_state(session.session, handle.task_id + "0")

                await cancel_task(session.session, handle.task_id)
                deadline = asyncio.get_running_loop().time() + 60
                state = await task_state(session.session, handle.task_id)
                while state.status == "working" and asyncio.get_running_loop().time() < deadline:
                    state = await task_state(session.session, handle.task_id)
                return state.status

        assert asyncio.run(scenario()) == "cancelled"
        assert until(
            lambda: [c["outcome"] for c in cli.json("portal", "log", "Work")["calls"]], lambda outcomes: outcomes
        ) == ["task"]
