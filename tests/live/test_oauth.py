"""OAuth end to end against a real authorization server (the Python SDK's OAuth routes with a
provider that approves at once): the test plays the browser by following the authorization
URL, whose redirect lands on Patchbay's loopback callback."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

from mcp_servers import oauth_server
from oauth_flow import CLI_TIMEOUT, authorize, browse, start_authorize, stats
from recording_http import RecordingServer, respond


def test_authorize_in_a_browser_then_sync_with_the_token(cli):
    with oauth_server() as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        exit_, err = cli.error("server", "test", "secure")
        assert (exit_, err["category"]) == (7, "auth_required")

        outcome = authorize(cli, "secure")
        assert outcome["dynamic_registration"] and outcome["client_id"]
        assert stats(base)["registrations"] == 1

        synced = cli.json("server", "sync", "secure")
        assert synced["server"]["status"] == "active"
        assert [t["name"] for t in cli.json("tool", "list", "secure")["tools"]] == ["whoami"]
        assert "authorized" in cli.json("tool", "call", "secure", "whoami")["content"][0]["text"]
        with urllib.request.urlopen(f"{base}/test/tokens", timeout=10) as r:
            tokens = json.load(r)["tokens"]
    assert tokens
    stored = b"".join(p.read_bytes() for p in cli.dir.glob("patchbay.db*"))
    assert not [t for t in tokens if t.encode() in stored], "a token reached SQLite"


def test_a_callback_with_a_wrong_state_is_refused_and_stores_nothing(cli):
    with oauth_server() as (url, _):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        process, auth_url = start_authorize(cli, "secure")
        redirect = urllib.parse.parse_qs(urllib.parse.urlparse(auth_url).query)["redirect_uri"][0]
        status, page = browse(f"{redirect}?code=forged&state=not-the-one")
        assert status == 400 and "state" in page
        assert process.poll() is None, "a wrong state must not end the authorization"
        exit_, _ = cli.error("server", "test", "secure")
        assert exit_ == 7, "nothing was stored"

        status, _ = browse(auth_url)
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode == 0, err
        cli.json("server", "sync", "secure")


def test_an_expiring_token_is_refreshed_without_the_user(cli):
    with oauth_server("--token-lifetime", "1") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        cli.json("server", "sync", "secure")
        first = stats(base)["refreshes"]
        assert first >= 1
        # The refresh token rotates at each refresh: a second one works only if the new
        # one was kept.
        cli.json("server", "sync", "secure")
        assert stats(base)["refreshes"] > first


def test_a_failed_refresh_needs_auth_and_reauthorizing_reuses_the_registration(cli):
    with oauth_server("--token-lifetime", "1") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        first = authorize(cli, "secure")
        urllib.request.urlopen(urllib.request.Request(f"{base}/test/forget-tokens", method="POST"), timeout=10)
        exit_, err = cli.error("server", "sync", "secure")
        assert (exit_, err["code"]) == (7, "auth_required")
        assert cli.json("server", "get", "secure")["status"] == "needs_auth"

        again = authorize(cli, "secure")
        assert again["client_id"] == first["client_id"]
        # Discovery ran again and found the same issuer, so the registration was reused.
        assert stats(base)["metadata_requests"] == 2
        assert stats(base)["registrations"] == 1, "the registration was reused"
        assert cli.json("server", "get", "secure")["status"] == "pending"
        assert cli.json("server", "sync", "secure")["server"]["status"] == "active"


def test_a_preregistered_client_skips_registration(cli):
    with oauth_server("--client-id", "patchbay-desktop") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        outcome = authorize(cli, "secure", "--client-id", "patchbay-desktop")
        assert outcome["client_id"] == "patchbay-desktop" and not outcome["dynamic_registration"]
        assert stats(base)["registrations"] == 0
        cli.json("server", "sync", "secure")


def test_logout_forgets_the_tokens(cli):
    with oauth_server() as (url, _):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        cli.json("server", "sync", "secure")
        cli.json("server", "logout", "secure")
        exit_, err = cli.error("server", "sync", "secure")
        assert (exit_, err["category"]) == (7, "auth_required")


def test_purge_revokes_the_tokens(cli):
    with oauth_server() as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        cli.json("server", "purge", "secure")
        assert stats(base)["revocations"] == 2  # the refresh token and the access token


def test_a_server_without_pkce_s256_is_refused_before_the_browser_step(cli):
    with oauth_server("--no-s256") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        done = cli.run("server", "authorize", "secure", "--no-browser", "--json", "--timeout", "10")
        assert done.returncode == 9, done.stderr
        assert "S256" in json.loads(done.stderr.splitlines()[-1])["error"]["message"]
        assert "http" not in done.stderr.split("{")[0], "no authorization URL was offered"
        assert stats(base)["authorizations"] == 0


def test_endpoints_that_are_not_https_are_refused_before_the_browser_step(cli):
    """An authorization server's metadata may name any URL. One that is neither https nor on
    this machine (a file, a custom scheme, plain http to another host) is refused, naming the
    endpoint, before a browser or the opener is handed anything."""
    cases = {
        "authorization_endpoint": "file:///etc/passwd",
        "token_endpoint": "http://tokens.example.com/token",
        "registration_endpoint": "ms-settings:privacy",
        "revocation_endpoint": "http://revoke.example.net/revoke",
    }
    for n, (field, value) in enumerate(cases.items()):
        with oauth_server("--metadata", f"{field}={value}") as (url, base):
            name = f"hostile{n}"
            cli.json("server", "create", "--name", name, "--url", url, "--auth", "oauth")
            done = cli.run("server", "authorize", name, "--no-browser", "--json", "--timeout", "10")
            assert done.returncode == 9, done.stderr
            error = json.loads(done.stderr.splitlines()[-1])["error"]
            assert error["code"] == "protocol" and field in error["message"] and value in error["message"], error
            assert "Open this URL" not in done.stderr, "no authorization URL was offered"
            got = stats(base)
            assert (got["authorizations"], got["registrations"], got["token_requests"]) == (0, 0, 0), got


def test_a_token_endpoint_redirect_is_not_followed_and_nothing_is_stored(cli):
    stolen = respond(200, {"content-type": "application/json"}, b'{"access_token": "stolen", "token_type": "Bearer"}')
    with (
        RecordingServer(stolen) as elsewhere,
        oauth_server("--token-redirect", f"{elsewhere.origin}/token") as (url, base),
    ):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        process, auth_url = start_authorize(cli, "secure")
        browse(auth_url)
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode != 0, out
        assert stats(base)["token_requests"] >= 1, "the token request was made (and redirected)"
        assert elsewhere.seen == [], "nothing was re-posted to the other origin"
        # No token was stored: the server still needs its authorization.
        exit_, err = cli.error("server", "sync", "secure")
        assert err["code"] == "auth_required", err


def test_a_stalled_token_endpoint_gives_up_within_its_bound(cli):
    with oauth_server("--token-stall") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        process, auth_url = start_authorize(cli, "secure")
        started = time.monotonic()
        browse(auth_url)
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        took = time.monotonic() - started
        assert process.returncode != 0, out
        assert took < 40, f"the token request was bounded (30 s), not {took:.0f} s"
        assert stats(base)["token_requests"] == 1


def test_a_silent_connection_to_the_callback_does_not_hold_up_the_browser(cli):
    """Any local process can connect to the loopback callback and say nothing; the browser's
    request, arriving meanwhile, is answered at once all the same."""
    import socket

    with oauth_server() as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        process, auth_url = start_authorize(cli, "secure")
        callback = urllib.parse.parse_qs(urllib.parse.urlparse(auth_url).query)["redirect_uri"][0]
        port = urllib.parse.urlparse(callback).port
        silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(10)]
        try:
            # Served one after another, ten silent connections would hold the browser's for
            # ten read bounds (30 s).
            with urllib.request.urlopen(auth_url, timeout=20) as page:
                assert "authorized" in page.read().decode().lower()
        finally:
            for s in silent:
                s.close()
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode == 0, err


def test_rfc_9207_iss_is_passed_on_and_checked(cli):
    """An authorization server that advertises `authorization_response_iss_parameter_supported`
    sends `iss` with its answer: the right one authorizes, a wrong one is refused."""
    advertised = ("--metadata", "authorization_response_iss_parameter_supported=true")
    with oauth_server(*advertised, "--callback-iss", "self") as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        assert cli.json("server", "sync", "secure")["server"]["status"] == "active"
    with oauth_server(*advertised, "--callback-iss", "https://evil.example/") as (url, base):
        cli.json("server", "create", "--name", "mixed", "--url", url, "--auth", "oauth")
        process, auth_url = start_authorize(cli, "mixed")
        browse(auth_url)
        out, err = process.communicate(timeout=CLI_TIMEOUT)
        assert process.returncode != 0, out
        assert "issuer" in err.lower(), err
        assert stats(base)["token_requests"] == 0, "no code was exchanged"


def test_moving_an_oauth_server_to_another_origin_drops_its_authorization(cli):
    """Tokens were issued for the old resource and the registration belongs to the old
    authorization server: after `server update --url` to another origin none of it is
    presented to the new host, and the server needs authorizing again."""
    with oauth_server() as (url, base), RecordingServer(respond(404)) as elsewhere:
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        assert cli.json("server", "sync", "secure")["server"]["status"] == "active"
        moved = cli.json("server", "update", "secure", "--url", f"{elsewhere.origin}/mcp")
        assert moved["status"] == "needs_auth", moved
        cli.run("server", "sync", "secure")
        assert all("authorization" not in r["headers"] for r in elsewhere.seen), elsewhere.seen
        # Moving back brings nothing back.
        cli.json("server", "update", "secure", "--url", url)
        assert cli.json("server", "get", "secure")["status"] == "needs_auth", "what was dropped stays dropped"


def test_dynamic_registration_says_patchbay_is_a_native_app(cli):
    with oauth_server() as (url, base):
        cli.json("server", "create", "--name", "secure", "--url", url, "--auth", "oauth")
        authorize(cli, "secure")
        [registration] = stats(base)["registration_requests"]
        assert registration["application_type"] == "native", registration
        assert all(u.startswith("http://127.0.0.1:") for u in registration["redirect_uris"])


def name_authorization_server(base: str, other: str) -> None:
    request = urllib.request.Request(
        f"{base}/test/authorization-server",
        method="POST",
        data=json.dumps({"url": other}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_credentials_stay_with_the_authorization_server_that_issued_them(cli):
    """A server that names another authorization server (RFC 9728) after it was authorized:
    purging revokes its tokens where they came from (the metadata stored with them, not what
    discovery says now), and authorizing again registers with the new server rather than
    presenting the old registration to it."""
    with oauth_server() as (url, first), oauth_server() as (_, second):
        cli.json("server", "create", "--name", "moved", "--url", url, "--auth", "oauth")
        before = authorize(cli, "moved")
        assert stats(first)["registrations"] == 1
        name_authorization_server(first, second)

        again = authorize(cli, "moved")
        assert stats(second)["registrations"] == 1, "registered anew with the server named now"
        assert again["dynamic_registration"] and again["client_id"] != before["client_id"]
        assert stats(first)["registrations"] == 1 and stats(first)["authorizations"] == 1

        # The tokens on record now come from the second server: purging revokes them there.
        cli.json("server", "purge", "moved")
        assert stats(second)["revocations"] == 2
        assert stats(first)["revocation_requests"] == 0


def test_purge_revokes_where_the_tokens_came_from_not_where_discovery_points_now(cli):
    with oauth_server() as (url, first), oauth_server() as (_, second):
        cli.json("server", "create", "--name", "moved", "--url", url, "--auth", "oauth")
        authorize(cli, "moved")
        name_authorization_server(first, second)
        cli.json("server", "purge", "moved")
        assert stats(first)["revocations"] == 2
        assert stats(second)["revocation_requests"] == 0 and stats(second)["metadata_requests"] == 0
