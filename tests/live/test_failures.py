"""Failures get a category, the exit code of its code, and never change what a sync stored."""

import time

import pytest
from mcp_servers import free_port, misbehaving, python_server


def closed_port_url():
    return f"http://127.0.0.1:{free_port()}/mcp"


@pytest.mark.parametrize(
    "kind, category, code, exit_code",
    [
        ("refused", "refused", "network", 6),
        ("html", "not_mcp", "protocol", 9),
        ("unauthorized", "auth_required", "auth_required", 7),
    ],
)
def test_a_failed_test_is_categorized(cli, kind, category, code, exit_code):
    if kind == "refused":
        exit_, err = cli.error("server", "test", "--url", closed_port_url())
    else:
        with misbehaving(kind) as url:
            exit_, err = cli.error("server", "test", "--url", url)
    assert (err["category"], err["code"], exit_) == (category, code, exit_code), err


def test_a_server_that_never_answers_times_out_within_the_bound(cli):
    with misbehaving("silent") as url:
        started = time.monotonic()
        exit_, err = cli.error("server", "test", "--url", url, "--timeout", "2")
        elapsed = time.monotonic() - started
    assert (err["category"], exit_) == ("timeout", 10)
    assert 2.0 <= elapsed < 6.0, elapsed


def test_an_unknown_host_is_a_dns_failure(cli):
    exit_, err = cli.error("server", "test", "--url", "http://patchbay-test.invalid/mcp")
    assert (err["category"], exit_) == ("dns", 6)


def test_tls_to_a_plain_http_port_is_a_tls_failure(cli):
    with python_server("base") as url:
        exit_, err = cli.error("server", "test", "--url", url.replace("http://", "https://"))
    assert (err["category"], exit_) == ("tls", 6)


def test_a_failed_sync_keeps_the_snapshot_and_records_the_error(cli):
    with python_server("base") as url:
        cli.json("server", "create", "--name", "notes", "--url", url)
        good = cli.json("server", "sync", "notes")["server"]
    tools_before = cli.json("tool", "list", "notes")["tools"]

    for kind in ("refused", "html", "silent"):
        if kind == "refused":
            cli.json("server", "update", "notes", "--url", closed_port_url())
            cli.error("server", "sync", "notes", "--timeout", "2")
        else:
            with misbehaving(kind) as bad_url:
                cli.json("server", "update", "notes", "--url", bad_url)
                cli.error("server", "sync", "notes", "--timeout", "2")
        server = cli.json("server", "get", "notes")
        assert server["status"] == "error" and server["error_message"], kind
        assert server["last_successful_sync"] == good["last_successful_sync"], kind
        assert server["server_info"] == good["server_info"], kind
        assert cli.json("tool", "list", "notes")["tools"] == tools_before, kind


def test_an_unauthorized_sync_marks_the_server_needs_auth(cli):
    with misbehaving("unauthorized") as url:
        cli.json("server", "create", "--name", "locked", "--url", url)
        exit_, err = cli.error("server", "sync", "locked")
    assert exit_ == 7
    assert cli.json("server", "get", "locked")["status"] == "needs_auth"


def test_stdio_failures_show_the_server_stderr(cli):
    exit_, err = cli.error(
        "server", "test", "--command", "sh", "--arg", "-c", "--arg", "echo 'config file missing' >&2; exit 3"
    )
    assert err["category"] == "protocol" and exit_ == 9
    assert "config file missing" in err["message"]


def test_an_oversized_response_is_refused_not_swallowed(cli):
    with misbehaving("huge") as url:
        exit_, err = cli.error("server", "test", "--url", url)
    assert (err["code"], exit_) == ("protocol", 9)
    assert "limit" in err["message"], err


def test_a_stored_error_masks_what_looks_like_a_secret(cli):
    """A server's error is stored for the server list to show; the query values of the URL in
    it (an API key in `?api_key=`) are masked there, as in the logs."""
    url = f"http://127.0.0.1:{free_port()}/mcp?api_key=sk-live-0123456789"
    cli.json("server", "create", "--name", "keyed", "--url", url)
    assert cli.run("server", "sync", "keyed").returncode != 0
    stored = cli.json("server", "get", "keyed")["error_message"]
    assert stored and "api_key=…" in stored and "sk-live-0123456789" not in stored, stored


def test_an_internal_error_says_what_caused_it(cli):
    """The message says what failed; the terminal also gets why (the source chain the core
    keeps), here SQLite's own code for a file that is not a database."""
    (cli.dir / "patchbay.db").write_bytes(b"not a database, " * 512)
    done = cli.run("server", "list")
    assert done.returncode != 0
    assert "error (internal): database error: file is not a database" in done.stderr, done.stderr
    assert "caused by: Error code 26" in done.stderr, done.stderr
