"""The peer aggregator of the gateway benchmark: a FastMCP proxy (PyPI `fastmcp`) mounting one
upstream server, served over Streamable HTTP on 127.0.0.1.

    fastmcp_proxy.py PORT UPSTREAM_URL [--shared]

By default FastMCP opens a fresh upstream session for each request (its isolation default);
with --shared the proxy is built on one connected client, whose session every request reuses,
as Patchbay's gateway does.
"""

import sys

import anyio
from fastmcp import Client
from fastmcp.server import create_proxy

port, upstream = int(sys.argv[1]), sys.argv[2]
shared = "--shared" in sys.argv[3:]
serve = {"transport": "http", "host": "127.0.0.1", "port": port, "show_banner": False, "log_level": "WARNING"}

if shared:

    async def main() -> None:
        async with Client(upstream) as client:
            await create_proxy(client, name="bench-proxy").run_async(**serve)

    anyio.run(main)
else:
    proxy = create_proxy({"mcpServers": {"every": {"url": upstream, "transport": "http"}}}, name="bench-proxy")
    proxy.run(**serve)
