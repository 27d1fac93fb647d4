"""The public address of a request behind a trusted proxy: ``Forwarded``, ``X-Forwarded-*``.

Every absolute URL the service writes (``Link``, the documentation pages, the OpenAPI
``servers``, a problem's ``instance``) is built from the ASGI scope: its ``scheme``,
its ``Host`` header, its ``root_path`` and ``path``. This middleware, in front of
everything that builds one, rewrites those from the headers a trusted proxy sets, and
is the one implementation of them (uvicorn's own ``proxy_headers`` is turned off, see
``api/server/run.py``):

- ``Forwarded`` (RFC 7239): ``proto=``, ``host=``, ``for=``;
- ``X-Forwarded-Proto``, ``X-Forwarded-Host``, ``X-Forwarded-For``: each used for what
  ``Forwarded`` does not say;
- ``X-Forwarded-Prefix``: the path the proxy serves the API under (``/api``), added
  to ``root_path`` and ``path``, as uvicorn's ``--root-path`` does.

Only a peer whose address is in ``DLE_FORWARDED_ALLOW_IPS`` is believed; from any
other peer the headers change nothing. When a header holds several entries (one per
proxy), the last one is used: it is the one written by the peer we trust; the earlier
ones are whatever reached that proxy, the client's own inventions included. A proxy
in front of another proxy therefore passes the public values on (sets, not appends).

The values are checked like a ``Host``: a proto other than ``http``/``https``, a host
that is not a host name or address with an optional port, or a prefix that is not a
plain path is a ``400`` problem, so nothing else is ever echoed into a URL.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.host import is_host
from api.http.problems import refusal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# One forwarded-pair of RFC 7239 (token=token or token=quoted-string) and what follows it.
_PAIR = re.compile(r'\s*([A-Za-z0-9!#$%&\'*+.^_`|~-]+)=("(?:[^"\\]|\\.)*"|[^;,"\s]*)\s*([;,]|$)')
_SEGMENT = r"/[A-Za-z0-9._~%!$&*+=:@-]+"
_PREFIX = re.compile(rf"(?:{_SEGMENT})+")


class TrustedPeers:
    """The peers whose forwarded headers are believed: IPs and CIDRs, or ``*`` for all."""

    def __init__(self, spec: str) -> None:
        entries = [e.strip() for e in spec.split(",") if e.strip()]
        self.everyone = "*" in entries
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(e, strict=False) for e in entries if e != "*"
        )
        self._trusts = lru_cache(maxsize=1024)(self._compute)

    def __contains__(self, peer: str | None) -> bool:
        if self.everyone:
            return True
        return peer is not None and len(peer) <= 64 and self._trusts(peer)

    def _compute(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def last_forwarded_element(value: str) -> dict[str, str]:
    """The last element of a ``Forwarded`` value, as lower-case names to unquoted values.

    Raises ``ValueError`` when the value is not a list of forwarded-pairs.
    """
    element: dict[str, str] = {}
    position = 0
    value = value.strip()
    while position < len(value):
        match = _PAIR.match(value, position)
        if match is None:
            raise ValueError("the Forwarded header is not a list of name=value pairs")
        name, raw, separator = match.groups()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        element[name.lower()] = raw
        position = match.end()
        if separator == ",":
            element = {}
    return element


def _last(value: str | None) -> str | None:
    if value is None:
        return None
    return value.rsplit(",", 1)[-1].strip() or None


def _client_address(value: str) -> str | None:
    """The IP address in a ``for=`` value (``192.0.2.1``, ``"[2001:db8::1]:4711"``)."""
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None  # "unknown" or an obfuscated identifier: keep the peer's address


class ForwardedMiddleware:
    """Rewrites scheme, Host, root_path and client from a trusted proxy's headers."""

    def __init__(self, app: ASGIApp, trusted: str) -> None:
        self.app = app
        self.trusted = TrustedPeers(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            client = scope.get("client")
            if (client[0] if client else None) in self.trusted:
                problem = apply_forwarded(scope)
                if problem is not None:
                    await refusal(scope, 400, problem)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def apply_forwarded(scope: Scope) -> str | None:
    """Rewrite ``scope`` in place from its forwarded headers; why they are refused, or None."""
    found: dict[bytes, list[str]] = {}
    for name, value in scope["headers"]:
        if name == b"forwarded" or name.startswith(b"x-forwarded-"):
            found.setdefault(name, []).append(value.decode("latin-1"))
    if not found:
        return None
    headers = {name: ", ".join(values) for name, values in found.items()}
    try:
        element = last_forwarded_element(headers.get(b"forwarded", ""))
    except ValueError as exc:
        return str(exc)
    proto = element.get("proto") or _last(headers.get(b"x-forwarded-proto"))
    host = element.get("host") or _last(headers.get(b"x-forwarded-host"))
    peer = element.get("for") or _last(headers.get(b"x-forwarded-for"))
    prefix = _last(headers.get(b"x-forwarded-prefix"))
    if proto is not None and proto.lower() not in ("http", "https"):
        return "the forwarded proto is not http or https"
    if host is not None and not is_host(host):
        return "the forwarded host is not a host name or address with an optional port"
    if prefix is not None:
        prefix = prefix.rstrip("/")
        if prefix and (not _PREFIX.fullmatch(prefix) or "/." in prefix):
            return "the X-Forwarded-Prefix header is not a plain path"
    if proto is not None:
        scope["scheme"] = proto.lower()
    if host is not None:
        encoded = host.encode("latin-1")
        others = [(n, v) for n, v in scope["headers"] if n != b"host"]
        scope["headers"] = [(b"host", encoded), *others]
    if prefix:
        scope["root_path"] = prefix + scope.get("root_path", "")
        scope["path"] = prefix + scope["path"]
        if scope.get("raw_path") is not None:
            scope["raw_path"] = prefix.encode("latin-1") + scope["raw_path"]
    address = _client_address(peer) if peer is not None else None
    if address is not None:
        scope["client"] = (address, 0)
    return None
