"""The visitor's address, as counted by the rate limits, django-axes' lockouts and allauth.

X-Forwarded-For is whatever the sender wrote. It is read only when the direct peer is one of TRUSTED_PROXIES, and
then from the right: each trusted proxy appends the address it received the request from, so the first entry
that is not a trusted proxy is the client; everything to its left was written by the client and is ignored.
With no trusted proxy (the default), the address is the direct peer's, whatever the headers say.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request) -> str:
    """The visitor's address, or "" if the server gave none."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not is_trusted(parse_address(peer), trusted):
        return peer
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(entry)
        if address is None:
            break  # not an address: whoever wrote it is not to be believed; the last proxy seen stands
        client = str(address)
        if not is_trusted(address, trusted):
            break
    return client


@lru_cache(maxsize=4)
def trusted_networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    # strict=False: "10.0.0.1" is the one-address network 10.0.0.1/32; settings checked the syntax at start-up.
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def is_trusted(address: IPAddress | None, trusted) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1 on a dual-stack socket
    return any(address in network for network in trusted)


def parse_address(value: str) -> IPAddress | None:
    """An address as proxies write it: "203.0.113.7", "203.0.113.7:51234", "2001:db8::1" or "[2001:db8::1]:443"."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
