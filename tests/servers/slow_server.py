"""An MCP server on the official Python SDK that answers every HTTP request after a fixed
delay: a stand-in for a remote server far away, for the sync benchmark.

    slow_server.py PORT DELAY_MS

Many Patchbay servers point at it (with distinct query strings); each has its own sessions.
"""

import asyncio
import sys

import uvicorn
from mcp.server.mcpserver import MCPServer

port, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000

server = MCPServer("patchbay-slow-server")


@server.tool(description="Says hello.")
def hello(name: str) -> str:
    return f"hello {name}"


@server.prompt(description="A greeting.")
def greet(name: str) -> str:
    return f"Greet {name}."


app = server.streamable_http_app()


async def delayed(scope, receive, send):
    if scope["type"] == "http":
        await asyncio.sleep(delay)
    await app(scope, receive, send)


uvicorn.run(delayed, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
