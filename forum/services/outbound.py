"""Outgoing HTTP that reaches public addresses only, each connection pinned to the address checked.

Every connection an `httpx.Client` from `public_client()` opens (first request, each redirect hop,
the GET after a refused HEAD) resolves the name once, refuses it unless every answer is a public
address, and connects to that same checked address, so a second DNS answer (rebinding) never
reaches the socket. Every read and write also stops at one deadline for the whole fetch, so a
server dripping a header line every few seconds cannot hold the fetch past it.
"""
import functools
import ipaddress
import socket
import time

import httpcore
import httpx

REFUSED = "not a public address"

# IPv6 forms that carry an IPv4 address inside: that address must be public too.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class NotPublicAddress(Exception):
    """The name resolved to an address that is not on the public internet."""


def _embedded_ipv4(address):
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), else None."""
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(text):
    """Whether an IP address is globally routable unicast: no private, loopback, link-local,
    multicast, reserved, shared or unspecified address, nor an IPv6 form wrapping one."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    inner = _embedded_ipv4(address)
    if inner is not None and not is_public(str(inner)):
        return False
    return (address.is_global and not address.is_multicast and not address.is_reserved
            and not address.is_private and not address.is_loopback
            and not address.is_link_local and not address.is_unspecified)


def resolve(host, port):
    """Every address a name resolves to (an IP literal resolves to itself)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def checked_address(host, port, allow_private):
    """The address to connect to for a name; refused unless every answer is public."""
    addresses = resolve(host, port)
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    if not allow_private and not all(is_public(address) for address in addresses):
        raise NotPublicAddress(host)
    return addresses[0]


class Deadline:
    """Seconds left until one moment; every network wait is cut to them."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.start()

    def start(self):
        """Start counting now."""
        self.at = time.monotonic() + self.seconds

    def left(self, timeout):
        """The shorter of `timeout` and the time left; past the deadline, a timeout error."""
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("the deadline for this URL passed")
        return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the fetch's deadline."""

    def __init__(self, stream, deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes, timeout=None):
        return self._stream.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer, timeout=None):
        self._stream.write(buffer, self._deadline.left(timeout))

    def close(self):
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname,
                                        self._deadline.left(timeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info):
        return self._stream.get_extra_info(info)


class _PublicBackend(httpcore.NetworkBackend):
    """httpcore's socket backend, connecting only to the checked address of each name."""

    def __init__(self, deadline, allow_private):
        self._sockets = httpcore.SyncBackend()
        self._deadline = deadline
        self._allow_private = allow_private

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = checked_address(host, port, self._allow_private)
        stream = self._sockets.connect_tcp(address, port, self._deadline.left(timeout),
                                           local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise NotPublicAddress(path)

    def sleep(self, seconds):
        time.sleep(seconds)


@functools.cache
def _ssl_context():
    """One verifying TLS context for every fetch (loading the CA bundle takes a while)."""
    return httpx.create_ssl_context(trust_env=False)


class _PublicTransport(httpx.HTTPTransport):
    """httpx's transport over the checking backend (no proxies: the check must see the target)."""

    def __init__(self, deadline, allow_private):
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(), network_backend=_PublicBackend(deadline, allow_private))


def public_client(seconds, allow_private=False, **options):
    """An httpx.Client reaching public addresses only, all of it done within `seconds`."""
    deadline = Deadline(seconds)
    client = httpx.Client(transport=_PublicTransport(deadline, allow_private), trust_env=False,
                          timeout=seconds, **options)
    deadline.start()  # after the client's set-up: the time is the fetch's own
    return client
