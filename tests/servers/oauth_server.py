"""An MCP server on the official Python SDK that is also its own OAuth authorization server
(metadata, dynamic registration, authorize, token, revocation), with a provider that
approves every authorization at once: the browser step becomes a redirect.

    oauth_server.py PORT [--token-lifetime SECS] [--client-id ID] [--no-s256] [--metadata FIELD=VALUE]...

--client-id pre-registers a public client with that id (any loopback redirect port).
GET /test/stats reports what happened: registrations, authorizations, refreshes, revocations.
POST /test/authorization-server {"url": URL} makes this resource name another authorization
server in its protected resource metadata (RFC 9728), as a server that changed its AS does.
"""

import argparse
import asyncio
import json
import secrets
import time

import uvicorn
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from starlette.requests import Request
from starlette.responses import JSONResponse

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--token-lifetime", type=int, default=3600)
parser.add_argument("--client-id")
parser.add_argument("--no-s256", action="store_true", help="metadata without PKCE S256")
parser.add_argument(
    "--metadata",
    action="append",
    default=[],
    metavar="FIELD=VALUE",
    help="publish FIELD of the authorization server metadata as VALUE (a hostile server)",
)
parser.add_argument(
    "--callback-iss",
    metavar="ISSUER",
    help="send RFC 9207 iss=ISSUER with the authorization response ('self': this server)",
)
parser.add_argument("--token-redirect", metavar="URL", help="answer token requests with a 307 to URL")
parser.add_argument("--token-stall", action="store_true", help="never answer token requests")
parser.add_argument(
    "--refuse-embedded",
    action="store_true",
    help="answer the authorization page of a WebKit user agent with Google's disallowed_useragent error",
)
parser.add_argument("--authorize-redirect", metavar="URL", help="send the authorization page on to URL")
args = parser.parse_args()
base = f"http://127.0.0.1:{args.port}"
# The authorization server this resource names (None: itself).
named = {"authorization_server": None}
stats = {
    "revocation_requests": 0,
    "registration_requests": [],
    "metadata_requests": 0,
    "registrations": 0,
    "authorizations": 0,
    "refreshes": 0,
    "revocations": 0,
    "token_requests": 0,
}


class LoopbackClient(OAuthClientInformationFull):
    """A pre-registered native client: any port on the loopback address (RFC 8252 §7.3)."""

    def validate_redirect_uri(self, redirect_uri):
        if redirect_uri is not None and str(redirect_uri).startswith("http://127.0.0.1:"):
            return redirect_uri
        return super().validate_redirect_uri(redirect_uri)


class ApproveAtOnce:
    def __init__(self):
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.issued: set[str] = set()
        if args.client_id:
            self.clients[args.client_id] = LoopbackClient(
                client_id=args.client_id,
                redirect_uris=["http://127.0.0.1:1/callback"],
                token_endpoint_auth_method="none",
                scope="notes",
                grant_types=["authorization_code", "refresh_token"],
                response_types=["code"],
            )

    async def get_client(self, client_id):
        return self.clients.get(client_id)

    async def register_client(self, client_info):
        stats["registrations"] += 1
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client, params: AuthorizationParams) -> str:
        stats["authorizations"] += 1
        code = secrets.token_urlsafe(32)
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [],
            expires_at=time.time() + 300,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        extra = {}
        if args.callback_iss:
            # The issuer as discovery found it (the metadata names this server).
            extra["iss"] = base if args.callback_iss == "self" else args.callback_iss
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state, **extra)

    async def load_authorization_code(self, client, code):
        return self.codes.get(code)

    def _issue(self, client_id, scopes, resource) -> OAuthToken:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.issued |= {access, refresh}
        self.access[access] = AccessToken(
            token=access,
            client_id=client_id,
            scopes=scopes,
            expires_at=int(time.time()) + args.token_lifetime,
            resource=resource,
        )
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes, resource=resource)
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=args.token_lifetime,
            refresh_token=refresh,
            scope=" ".join(scopes) or None,
        )

    async def exchange_authorization_code(self, client, code):
        stats["token_requests"] += 1
        self.codes.pop(code.code, None)
        return self._issue(client.client_id, code.scopes, code.resource)

    async def load_refresh_token(self, client, refresh_token):
        return self.refresh.get(refresh_token)

    async def exchange_refresh_token(self, client, refresh_token, scopes):
        stats["refreshes"] += 1
        self.refresh.pop(refresh_token.token, None)  # rotated: the old one is spent
        return self._issue(client.client_id, scopes or refresh_token.scopes, refresh_token.resource)

    async def load_access_token(self, token):
        found = self.access.get(token)
        if found and found.expires_at and found.expires_at < time.time():
            return None
        return found

    async def revoke_token(self, token):
        stats["revocations"] += 1
        self.access.pop(token.token, None)
        self.refresh.pop(token.token, None)


provider = ApproveAtOnce()
server = MCPServer(
    "patchbay-test-oauth",
    auth_server_provider=provider,
    auth=AuthSettings(
        issuer_url=base,
        resource_server_url=f"{base}/mcp",
        client_registration_options=ClientRegistrationOptions(
            enabled=True, valid_scopes=["notes"], default_scopes=["notes"]
        ),
        revocation_options=RevocationOptions(enabled=True),
        required_scopes=["notes"],
    ),
)


@server.tool(description="Says who you are.")
def whoami() -> str:
    return "an authorized client"


@server.custom_route("/test/stats", methods=["GET"])
async def test_stats(request: Request):
    return JSONResponse(stats)


@server.custom_route("/test/tokens", methods=["GET"])
async def issued_tokens(request: Request):
    """Every token issued so far, so a test can look for them where they must not be."""
    return JSONResponse({"tokens": sorted(set(provider.access) | set(provider.refresh) | provider.issued)})


@server.custom_route("/test/forget-tokens", methods=["POST"])
async def forget_tokens(request: Request):
    """Every token becomes unknown (as after a revocation); client registrations stay."""
    provider.access.clear()
    provider.refresh.clear()
    return JSONResponse({"forgotten": True})


@server.custom_route("/test/authorization-server", methods=["POST"])
async def name_authorization_server(request: Request):
    named["authorization_server"] = (await request.json())["url"]
    return JSONResponse(named)


app = server.streamable_http_app()


def as_flagged(doc: dict) -> dict:
    """The authorization server metadata as the flags change it: without PKCE S256, or with
    fields of their own."""
    if args.no_s256:
        doc.pop("code_challenge_methods_supported", None)
    for field in args.metadata:
        name, value = field.split("=", 1)
        try:
            doc[name] = json.loads(value)  # true, numbers, lists
        except json.JSONDecodeError:
            doc[name] = value
    return doc


def naming_another(doc: dict) -> dict:
    doc["authorization_servers"] = [named["authorization_server"]]
    return doc


async def rewritten(scope, receive, send, edit):
    """The JSON document the app answers, changed by `edit`."""
    parts: list[bytes] = []
    start: dict = {}

    async def capture(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                body = json.dumps(edit(json.loads(b"".join(parts)))).encode()
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})

    await app(scope, receive, capture)


async def counted(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == "/register" and scope["method"] == "POST":
        # What the client asked to be registered as (the SDK keeps only the fields it knows).
        messages, body = [], b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        stats["registration_requests"].append(json.loads(body or b"{}"))

        async def replayed():
            return messages.pop(0) if messages else await receive()

        return await app(scope, replayed, send)
    if scope["type"] == "http" and scope["path"] == "/token" and scope["method"] == "POST":
        if args.token_stall:
            stats["token_requests"] += 1
            await asyncio.sleep(3600)
        if args.token_redirect:
            stats["token_requests"] += 1
            await send(
                {
                    "type": "http.response.start",
                    "status": 307,
                    "headers": [(b"location", args.token_redirect.encode()), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
    if scope["type"] == "http" and scope["path"] == "/authorize":
        agent = dict(scope["headers"]).get(b"user-agent", b"").decode()
        # What Google does to sign-in inside an app's web view (its UA names AppleWebKit).
        elsewhere = (
            f"{base}/signin/error?authError=disallowed_useragent"
            if args.refuse_embedded and "AppleWebKit" in agent
            else args.authorize_redirect
        )
        if elsewhere:
            await send(
                {
                    "type": "http.response.start",
                    "status": 302,
                    "headers": [(b"location", elsewhere.encode()), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
    if scope["type"] == "http" and scope["path"] == "/signin/error":
        page = b"<html><body><h1>Error 403: disallowed_useragent</h1></body></html>"
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/html"), (b"content-length", str(len(page)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": page})
        return
    if scope["type"] == "http" and scope["path"] == "/revoke":
        stats["revocation_requests"] += 1
    if scope["type"] == "http" and scope["path"].startswith("/.well-known/oauth-authorization-server"):
        stats["metadata_requests"] += 1
        if args.no_s256 or args.metadata:
            return await rewritten(scope, receive, send, as_flagged)
    if (
        scope["type"] == "http"
        and scope["path"].startswith("/.well-known/oauth-protected-resource")
        and named["authorization_server"]
    ):
        return await rewritten(scope, receive, send, naming_another)
    await app(scope, receive, send)


uvicorn.run(counted, host="127.0.0.1", port=args.port, log_level="warning", lifespan="on")
