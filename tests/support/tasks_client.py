"""A Python SDK client taking the tasks extension (SEP-2663): the SDK lets a client claim the
`task` result of `tools/call` and resolve it, but has no tasks of its own, so this small one
is ours. It declares `io.modelcontextprotocol/tasks`, notes each task it is handed, and
polls `tasks/get` until the task ends."""

from typing import Any, Literal

import anyio
from mcp.client.extension import ClaimContext, ClientExtension, ResultClaim
from mcp_types import CallToolResult, Request, RequestParams, Result

TASKS = "io.modelcontextprotocol/tasks"


class TaskParams(RequestParams):
    task_id: str


class TaskHandle(Result):
    result_type: Literal["task"]
    task_id: str
    status: str
    poll_interval_ms: int | None = None


class TaskState(Result):
    task_id: str
    status: str
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    poll_interval_ms: int | None = None


class GetTask(Request[TaskParams, Literal["tasks/get"]]):
    method: Literal["tasks/get"] = "tasks/get"
    params: TaskParams
    name_param = "taskId"


class CancelTask(Request[TaskParams, Literal["tasks/cancel"]]):
    method: Literal["tasks/cancel"] = "tasks/cancel"
    params: TaskParams
    name_param = "taskId"


async def task_state(session, task_id: str) -> TaskState:
    return await session.send_request(GetTask(params=TaskParams(task_id=task_id)), TaskState)


async def cancel_task(session, task_id: str) -> None:
    await session.send_request(CancelTask(params=TaskParams(task_id=task_id)), Result)


class TasksClient(ClientExtension):
    identifier = TASKS

    def __init__(self) -> None:
        self.handed: list[str] = []

    def claims(self):
        return [ResultClaim(result_type="task", model=TaskHandle, resolve=self.resolve)]

    async def resolve(self, handle: TaskHandle, ctx: ClaimContext) -> CallToolResult:
        self.handed.append(handle.task_id)
        with anyio.fail_after(60):
            while True:
                state = await task_state(ctx.session, handle.task_id)
                if state.status == "completed":
                    return CallToolResult.model_validate(state.result)
                if state.status in ("failed", "cancelled"):
                    raise RuntimeError(f"task {state.status}: {state.error}")
                # The poll interval the server asks for: the protocol's pace, not a wait for state.
                await anyio.sleep((state.poll_interval_ms or 50) / 1000)
