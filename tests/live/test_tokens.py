"""What a portal costs a model: `portal get` counts each served tool's tokens, and the counts
are those of OpenAI's own tokenizer (the Python `tiktoken`, encoding o200k_base) over the exact
JSON the gateway serves in `tools/list` — no estimate. The encoding file is the one the pinned
Rust crate embeds; tiktoken checks it against OpenAI's published hash before using it."""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from gateway_support import everything_portal
from mcp_servers import everything
from portal_client import raw_session
from waiting import until

ROOT = Path(__file__).resolve().parents[2]
O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


def o200k(cache: Path):
    """tiktoken's o200k_base, read from the crate Patchbay builds with (no download)."""
    import tiktoken

    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            timeout=300,
        ).stdout
    )
    [crate] = [p for p in metadata["packages"] if p["name"] == "tiktoken-rs"]
    asset = Path(crate["manifest_path"]).parent / "assets" / "o200k_base.tiktoken"
    cache.mkdir(parents=True, exist_ok=True)
    shutil.copy(asset, cache / hashlib.sha1(O200K_URL.encode()).hexdigest())
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return tiktoken.get_encoding("o200k_base")


def served(address: str, token: str, kind: str) -> tuple[str, list[dict]]:
    """The raw answer to the portal's `tools/list` (or `prompts/list`), and its items, over
    plain JSON-RPC."""
    import httpx2

    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}
    with httpx2.Client(base_url=f"{address}/mcp/work", headers=headers, timeout=60) as http:
        session = raw_session(http, "")
        listed = http.post("", json={"jsonrpc": "2.0", "id": 2, "method": f"{kind}/list"}, headers=session)
        listed.raise_for_status()
        # A session's answers come as an event stream: the answer is its data line.
        [body] = (
            [line[len("data: ") :] for line in listed.text.splitlines() if line.startswith("data: {")]
            if listed.headers["content-type"].startswith("text/event-stream")
            else [listed.text]
        )
        return body, json.loads(body)["result"][kind]


def test_a_portals_token_counts_are_the_tokenizers_count_of_what_it_serves(cli, tmp_path):
    encoding = o200k(tmp_path / "tiktoken")
    with everything("streamableHttp") as url:
        portal, address = everything_portal(cli, url)
        cli.json("portal", "tool", "disable", "Work", "every", "echo")
        cli.json("portal", "tool", "enable", "Work", "every", "get-sum", "--alias", "add_numbers")
        got = cli.json("portal", "get", "Work")
        [member] = got["servers"]
        counted = {t["exposed_name"]: t["tokens"] for t in member["tools"] if t["served"]}
        counted_prompts = {p["exposed_name"]: p["tokens"] for p in member["prompts"] if p["served"]}

        def tokens(body: str, items: list[dict]) -> dict:
            out = {}
            for item in items:
                text = json.dumps(item, separators=(",", ":"), ensure_ascii=False)
                assert text in body, "the JSON counted is byte for byte what the gateway sent"
                out[item["name"]] = len(encoding.encode_ordinary(text))
            return out

        # The gateway sees the CLI's changes within moments.
        names = lambda got: {t["name"] for t in got[1]}  # noqa: E731
        served_tools = tokens(
            *until(
                lambda: served(address, portal["token"], "tools"),
                lambda got: "add_numbers" in names(got) and "every__echo" not in names(got),
            )
        )
        served_prompts = tokens(*served(address, portal["token"], "prompts"))

        assert served_prompts and counted_prompts == served_prompts
        assert counted == served_tools
        assert member["tokens"] == got["tokens"] == sum(served_tools.values()) + sum(served_prompts.values())
        # A disabled tool still says what serving it would cost.
        [echo] = [t for t in member["tools"] if t["name"] == "echo"]
        assert not echo["served"] and echo["tokens"] > 0

        listed = cli.json("tool", "list", "every")
        assert listed["tokens"] == sum(t["tokens"] for t in listed["tools"]) > 0

        # What tools/list costs in each mode, as a client receives it.
        costs = got["listed_tokens"]
        assert costs["direct"] == sum(served_tools.values())
        cli.json("portal", "update", "Work", "--mode", "search")
        search_body, search_tools = until(
            lambda: served(address, portal["token"], "tools"), lambda got: names(got) == {"search_tools", "call_tool"}
        )
        assert (
            sum(tokens(search_body, search_tools).values())
            == cli.json("portal", "get", "Work")["listed_tokens"]["search"]
            < costs["direct"] / 4
        )

        updated = cli.json("portal", "update", "Work", "--token-budget", "100")
        assert updated["token_budget"] == 100
        assert "over its budget of 100" in cli.run("portal", "get", "Work").stdout
        assert cli.json("portal", "update", "Work", "--token-budget", "0")["token_budget"] is None
