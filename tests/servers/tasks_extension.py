"""The tasks extension (SEP-2663) on the Python SDK's server extension points, for
python_server.py's `tasks` variant: the SDK has the extension API but no tasks of its own.

A client that declares `io.modelcontextprotocol/tasks` gets a task for each `tools/call`: the
tool runs in the background, `tasks/get` tells its state (the tool's result inlined once it
completed, the error once it failed) and `tasks/cancel` stops it. Other clients get the tool's
result as usual."""

import asyncio
import uuid
from datetime import datetime, timezone
from typing import Any

from mcp.server.extension import Extension, MethodBinding
from mcp.shared.exceptions import MCPError
from mcp_types import RequestParams
from pydantic import BaseModel

TASKS = "io.modelcontextprotocol/tasks"


class TaskParams(RequestParams):
    task_id: str


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def as_dict(result: Any) -> dict:
    if isinstance(result, BaseModel):
        return result.model_dump(by_alias=True, exclude_none=True, mode="json")
    return dict(result or {})


class Tasks(Extension):
    identifier = TASKS

    def __init__(self) -> None:
        self.tasks: dict[str, dict] = {}
        self.runners: dict[str, asyncio.Task] = {}

    def methods(self):
        return [
            MethodBinding("tasks/get", TaskParams, self.get),
            MethodBinding("tasks/cancel", TaskParams, self.cancel),
        ]

    async def intercept_tool_call(self, params, ctx, call_next):
        capabilities = ctx.session.client_capabilities
        if TASKS not in ((capabilities.extensions or {}) if capabilities else {}):
            return await call_next(ctx)
        task_id = uuid.uuid4().hex
        created = now()
        task = {
            "taskId": task_id,
            "status": "working",
            "createdAt": created,
            "lastUpdatedAt": created,
            "ttlMs": 600_000,
            "pollIntervalMs": 50,
        }
        self.tasks[task_id] = task

        async def run() -> None:
            try:
                result = as_dict(await call_next(ctx))
                result.pop("resultType", None)
                task.update(status="completed", result=result)
            except asyncio.CancelledError:
                task.update(status="cancelled")
            except Exception as e:  # the task failed: tasks/get tells it
                task.update(status="failed", error={"code": -32603, "message": str(e)})
            task["lastUpdatedAt"] = now()

        self.runners[task_id] = asyncio.get_running_loop().create_task(run())
        return {"resultType": "task", **task}

    def known(self, task_id: str) -> dict:
        task = self.tasks.get(task_id)
        if task is None:
            raise MCPError(-32602, f"no task {task_id}")
        return task

    async def get(self, ctx, params: TaskParams):
        return {"resultType": "complete", **self.known(params.task_id)}

    async def cancel(self, ctx, params: TaskParams):
        self.known(params.task_id)
        runner = self.runners.get(params.task_id)
        if runner is not None and not runner.done():
            runner.cancel()
        return {"resultType": "complete"}
