"""A small OpenID provider shaped like Login.gov, for the tests: the only faked part.

A real HTTP server in a thread (``127.0.0.1``, a free port) with Login.gov's paths:
authorization (sends the browser straight back with a code, as if the person had signed
in), token (checks the code, the redirect URI, the client and the PKCE verifier or the
``private_key_jwt`` client assertion; issues an RS256-signed ID token), user info and
JWKS. Tests say who signs in next with :meth:`FakeLoginGov.sign_in_as`, and can make the
provider misbehave (:attr:`FakeLoginGov.token_status`, :attr:`FakeLoginGov.tamper`).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KID = "fake-login-gov-1"


def new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(private_key) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass
class Identity:
    sub: str
    email: str | None
    email_verified: bool = True


@dataclass
class FakeLoginGov:
    client_id: str = "urn:gov:gsa:openidconnect.profiles:sp:sso:treasury:fm-marketplace"
    signing_key: object = field(default_factory=new_rsa_key)
    # The portal's key for private_key_jwt; None means the client uses PKCE.
    client_public_key: object = None
    next_identity: Identity | None = None
    # Misbehaviour switches: a token endpoint status other than 200, or a function that
    # rewrites the ID token's claims before signing.
    token_status: int = 200
    tamper: object = None
    # The key JWKS publishes, when it should differ from the one that signs.
    published_key: object = None
    codes: dict = field(default_factory=dict)
    access_tokens: dict = field(default_factory=dict)
    requests_seen: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def start(self) -> "FakeLoginGov":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                provider.handle(self, "GET")

            def do_POST(self):
                provider.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()

    def settings(self) -> dict:
        """The portal's settings for this provider, as its environment would say."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/openid_connect/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/api/openid_connect/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/api/openid_connect/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/api/openid_connect/certs",
        }

    def sign_in_as(self, email, *, verified=True, sub=None) -> None:
        self.next_identity = Identity(
            sub=sub or f"login-gov-{secrets.token_hex(8)}",
            email=email,
            email_verified=verified,
        )

    # -- HTTP --------------------------------------------------------------------------

    def handle(self, handler, method):
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = {}
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            body = {
                k: v[0]
                for k, v in parse_qs(handler.rfile.read(length).decode()).items()
            }
        self.requests_seen.append((method, url.path, query or body))
        routes = {
            ("GET", "/openid_connect/authorize"): self.authorize,
            ("POST", "/api/openid_connect/token"): self.token,
            ("GET", "/api/openid_connect/userinfo"): self.userinfo,
            ("GET", "/api/openid_connect/certs"): self.certs,
        }
        route = routes.get((method, url.path))
        if route is None:
            return self.reply(handler, 404, {"error": "not_found"})
        status, payload, headers = route(handler, query, body)
        return self.reply(handler, status, payload, headers)

    @staticmethod
    def reply(handler, status, payload, headers=None):
        data = json.dumps(payload).encode() if payload is not None else b""
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if payload is not None:
            handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def authorize(self, handler, query, body):
        redirect_uri = query["redirect_uri"]
        if self.next_identity is None:
            location = f"{redirect_uri}?" + urlencode(
                {"error": "access_denied", "state": query.get("state", "")}
            )
            return 302, None, {"Location": location}
        # Login.gov's own rules for the request; a breach fails the test that made it.
        checks = {
            "response_type is code": query.get("response_type") == "code",
            "client_id is ours": query.get("client_id") == self.client_id,
            "openid scope": "openid" in query.get("scope", "").split(),
            "nonce of 22+ characters": len(query.get("nonce", "")) >= 22,
            "state of 22+ characters": len(query.get("state", "")) >= 22,
            "prompt=select_account": query.get("prompt") == "select_account",
            "acr_values": bool(query.get("acr_values")),
        }
        broken = [rule for rule, ok in checks.items() if not ok]
        if broken:
            self.problems.extend(broken)
            return 400, {"error": "invalid_request", "broken": broken}, None
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "identity": self.next_identity,
            "nonce": query["nonce"],
            "redirect_uri": redirect_uri,
            "code_challenge": query.get("code_challenge"),
            "acr_values": query.get("acr_values"),
        }
        location = f"{redirect_uri}?" + urlencode(
            {"code": code, "state": query["state"]}
        )
        return 302, None, {"Location": location}

    def token(self, handler, query, body):
        if self.token_status != 200:
            return self.token_status, {"error": "server_error"}, None
        grant = self.codes.pop(body.get("code", ""), None)  # one use only
        if grant is None or body.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}, None
        if body.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}, None
        if not self.client_authenticated(body, grant):
            return 401, {"error": "invalid_client"}, None
        identity = grant["identity"]
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": identity.sub,
            "nonce": grant["nonce"],
            "acr": grant["acr_values"],
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
        }
        if self.tamper:
            claims = self.tamper(claims)
        id_token = jwt.encode(
            claims, self.signing_key, algorithm="RS256", headers={"kid": KID}
        )
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = identity
        return (
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 900,
                "id_token": id_token,
            },
            None,
        )

    def client_authenticated(self, body, grant) -> bool:
        if body.get("client_id", self.client_id) != self.client_id:
            return False
        if self.client_public_key is not None:
            try:
                assertion = jwt.decode(
                    body.get("client_assertion", ""),
                    self.client_public_key,
                    algorithms=["RS256"],
                    audience=f"{self.issuer}/api/openid_connect/token",
                )
            except jwt.PyJWTError:
                return False
            return (
                body.get("client_assertion_type")
                == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                and assertion["iss"] == assertion["sub"] == self.client_id
            )
        verifier = body.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        return bool(verifier) and challenge == grant["code_challenge"]

    def userinfo(self, handler, query, body):
        token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        identity = self.access_tokens.get(token)
        if identity is None:
            return 401, {"error": "invalid_token"}, None
        info = {"sub": identity.sub, "email_verified": identity.email_verified}
        if identity.email is not None:
            info["email"] = identity.email
        return 200, info, None

    def certs(self, handler, query, body):
        key = self.published_key or self.signing_key
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update({"kid": KID, "alg": "RS256", "use": "sig"})
        return 200, {"keys": [jwk]}, None
