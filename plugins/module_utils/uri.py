# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How to reach a Hyper-V host: a ``hyperv://`` URI, discrete options and the
environment, turned into one immutable :class:`ConnectionSpec`.

The contract is docs/developers/connection-spec.md; the user-facing rules are
docs/connection.md. Every error is an :class:`OptionError` whose message names the
option, what was wrong and what is allowed, and never contains a password.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError

SCHEME = "hyperv"
URI_FORM = "hyperv://[username@]hostname[:port]/[?transport=http|https]"
WSMAN_PATH = "/wsman"
TRANSPORTS = ("https", "http")
DEFAULT_PORTS = {"https": 5986, "http": 5985}
AUTHS = ("basic", "ntlm", "kerberos", "credssp", "certificate")
AUTHS_NEEDING_PASSWORD = ("basic", "ntlm", "credssp")
NAMESPACES = ("auto", "root/virtualization/v2", "root/virtualization")
QUERY_PARAMETERS = ("transport",)
TRUTHY = ("1", "true", "yes", "on", "y", "t")
FALSY = ("0", "false", "no", "off", "n", "f")
DEFAULT_CONNECTION_TIMEOUT = 30
DEFAULT_OPERATION_TIMEOUT = 60

ENV_URI = "HYPERV_URI"
ENV_HOSTNAME = "HYPERV_HOSTNAME"
ENV_USERNAME = "HYPERV_USERNAME"
ENV_PASSWORD = "HYPERV_PASSWORD"
ENV_VALIDATE_CERTS = "HYPERV_VALIDATE_CERTS"

# Defaults that depend on other options (port, transport, validate_certs) are left out
# of the argument spec on purpose: connection_spec_from_params decides them.
CONNECTION_ARGUMENT_SPEC = dict(
    uri=dict(type="str"),
    hostname=dict(type="str"),
    port=dict(type="int"),
    transport=dict(type="str", choices=list(TRANSPORTS)),
    username=dict(type="str"),
    password=dict(type="str", no_log=True),
    auth=dict(type="str", default="basic", choices=list(AUTHS)),
    validate_certs=dict(type="bool"),
    ca_path=dict(type="path"),
    client_cert=dict(type="path"),
    client_key=dict(type="path", no_log=False),
    connection_timeout=dict(type="int", default=DEFAULT_CONNECTION_TIMEOUT),
    operation_timeout=dict(type="int", default=DEFAULT_OPERATION_TIMEOUT),
    namespace=dict(type="str", default="auto", choices=list(NAMESPACES)),
)

_HOSTNAME_RE = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class ConnectionSpec:
    hostname: str
    port: int
    transport: str
    username: str | None
    password: str | None = field(repr=False)
    auth: str
    validate_certs: bool
    ca_path: str | None
    client_cert: str | None
    client_key: str | None
    connection_timeout: int
    operation_timeout: int
    namespace: str

    @property
    def _host_in_url(self) -> str:
        # IPv6 in brackets; a zone index ("%eth0") is percent-encoded as RFC 6874 asks
        return "[%s]" % self.hostname.replace("%", "%25") if ":" in self.hostname else self.hostname

    @property
    def endpoint(self) -> str:
        return "%s://%s:%d%s" % (self.transport, self._host_in_url, self.port, WSMAN_PATH)

    @property
    def display(self) -> str:
        user = ""
        if self.username:
            # the form a user could paste back: DOMAIN\user -> DOMAIN%5Cuser
            user = quote(self.username, safe="") + "@"
        return "%s://%s%s:%d/?transport=%s" % (SCHEME, user, self._host_in_url, self.port, self.transport)


@dataclass(frozen=True)
class _UriParts:
    hostname: str
    port: int | None
    transport: str | None
    username: str | None


def _given(value) -> bool:
    """None and blank strings count as "not set", for options and environment alike."""
    if value is None:
        return False
    return not (isinstance(value, str) and not value.strip())


def _scheme_error(scheme: str, source: str) -> OptionError:
    if "+" in scheme:
        why = (
            "this collection is client-side only: it talks WS-Management (WinRM) to the Hyper-V "
            "host directly over HTTP(S), so remote transports such as '+%s' cannot be used" % scheme.split("+", 1)[1]
        )
    else:
        why = "only the hyperv:// scheme is accepted; the collection talks WS-Management (WinRM) to the host directly"
    return OptionError("%s: unsupported scheme '%s://': %s. Use %s" % (source, scheme, why, URI_FORM))


def _password_in_uri_error(source: str) -> OptionError:
    return OptionError(
        "%s: a password inside the URI is refused (it would end up in logs and process lists). "
        "Remove it from the URI and use the 'password' option (from Ansible Vault) or the %s "
        "environment variable. Accepted form: %s" % (source, ENV_PASSWORD, URI_FORM)
    )


def _looks_like_password(rest: str) -> bool:
    """True when the authority starts with 'user:secret@'. Checked on the raw text before
    any splitting, because a password may itself contain '/', '?', '#' or '@'."""
    at = rest.rfind("@")
    if at < 0:
        return False
    if not re.match(r"^[^:/?#\[\]@]*:", rest[:at]):
        return False
    # "host:5986/?q=a@b" is a port followed by a path or query, not a password
    return not re.match(r"^[^:/?#\[\]@]*:\d*(?:[/?#]|$)", rest)


def _parse_port(value, source: str) -> int:
    if isinstance(value, bool):
        raise OptionError("%s: the port must be a number from 1 to 65535, got a boolean" % source)
    if isinstance(value, int):
        port = value
    else:
        text = str(value).strip()
        if not text.isdigit() or not text.isascii():
            raise OptionError("%s: the port must be a number from 1 to 65535, got '%s'" % (source, value))
        port = int(text)
    if not 1 <= port <= 65535:
        raise OptionError("%s: the port must be a number from 1 to 65535, got %d" % (source, port))
    return port


def _parse_transport(value, source: str) -> str:
    transport = str(value).strip().lower()
    if transport not in TRANSPORTS:
        raise OptionError("%s: transport must be 'https' or 'http', got '%s'" % (source, value))
    return transport


def _parse_host(text: str, source: str, bracketed: bool) -> str:
    """Validate a host name or IP literal; IPv6 is returned without brackets."""
    if not text:
        raise OptionError("%s: the host name is empty. Accepted form: %s" % (source, URI_FORM))
    if bracketed or ":" in text:
        candidate = unquote(text)
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            hint = (
                "" if bracketed else " (an IPv6 address must be written in brackets in a URI, e.g. hyperv://[fe80::1]/)"
            )
            raise OptionError("%s: '%s' is not a valid IPv6 address%s" % (source, text, hint)) from None
        return candidate
    if not _HOSTNAME_RE.match(text) or ".." in text:
        raise OptionError(
            "%s: '%s' is not a valid host name; use a DNS name, an IPv4 address or an IPv6 address" % (source, text)
        )
    return text


def _parse_uri(uri: str, source: str) -> _UriParts:
    uri = uri.strip()
    match = _SCHEME_RE.match(uri)
    if not match or not uri[match.end() :].startswith("//"):
        if _looks_like_password(uri):
            raise _password_in_uri_error(source)
        raise OptionError("%s: '%s' is not a hyperv:// URI. Accepted form: %s" % (source, uri, URI_FORM))
    if match.group(1).lower() != SCHEME:
        raise _scheme_error(match.group(1), source)
    rest = uri[match.end() + 2 :]
    if _looks_like_password(rest):
        raise _password_in_uri_error(source)

    if "#" in rest:
        raise OptionError("%s: a fragment ('#...') is not allowed in the URI. Accepted form: %s" % (source, URI_FORM))
    cut = len(rest)
    for sep in "/?":
        pos = rest.find(sep)
        if 0 <= pos < cut:
            cut = pos
    authority, tail = rest[:cut], rest[cut:]
    path, _sep, query = tail.partition("?")
    if path not in ("", "/"):
        raise OptionError(
            "%s: the URI path must be empty or '/' (the WS-Man path %s is implied). Accepted form: %s"
            % (source, WSMAN_PATH, URI_FORM)
        )

    username = None
    if "@" in authority:
        userinfo, _sep, hostport = authority.rpartition("@")
        if not userinfo:
            raise OptionError("%s: the user name before '@' is empty. Accepted form: %s" % (source, URI_FORM))
        username = unquote(userinfo)
        if ":" in username:
            raise _password_in_uri_error(source)
    else:
        hostport = authority

    port = None
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise OptionError("%s: missing ']' after the IPv6 address. Accepted form: %s" % (source, URI_FORM))
        hostname = _parse_host(hostport[1:end], source, bracketed=True)
        after = hostport[end + 1 :]
        if after:
            if not after.startswith(":"):
                raise OptionError("%s: unexpected text '%s' after the IPv6 address" % (source, after))
            port = _parse_port(after[1:], source)
    else:
        if hostport.count(":") > 1:
            raise OptionError(
                "%s: '%s' is not a valid host; an IPv6 address must be written in brackets, e.g. hyperv://[fe80::1]/"
                % (source, hostport)
            )
        host, colon, port_text = hostport.partition(":")
        hostname = _parse_host(host, source, bracketed=False)
        if colon:
            port = _parse_port(port_text, source)

    transport = None
    if query:
        seen = set()
        for item in query.split("&"):
            if not item:
                continue
            name, eq, value = item.partition("=")
            name = unquote(name)
            if name not in QUERY_PARAMETERS:
                raise OptionError(
                    "%s: unknown query parameter '%s'; allowed: %s" % (source, name, ", ".join(QUERY_PARAMETERS))
                )
            if name in seen:
                raise OptionError("%s: query parameter '%s' is given more than once" % (source, name))
            seen.add(name)
            if not eq or not value:
                raise OptionError("%s: query parameter '%s' needs a value: 'https' or 'http'" % (source, name))
            transport = _parse_transport(unquote(value), source)
    return _UriParts(hostname=hostname, port=port, transport=transport, username=username)


def _parse_bool(value, source: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUTHY:
        return True
    if text in FALSY:
        return False
    raise OptionError(
        "%s: '%s' is not a boolean; use one of %s (true) or %s (false)"
        % (source, value, "/".join(TRUTHY), "/".join(FALSY))
    )


def _parse_timeout(value, name: str) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or str(value).strip().isdigit()):
        raise OptionError("%s: must be a whole number of seconds (1 or more), got '%s'" % (name, value))
    seconds = int(value)
    if seconds < 1:
        raise OptionError("%s: must be a whole number of seconds (1 or more), got %d" % (name, seconds))
    return seconds


def _parse_choice(value, name: str, allowed) -> str:
    text = str(value).strip().lower().replace("\\", "/")
    if text not in allowed:
        raise OptionError("%s: '%s' is not allowed; choose one of %s" % (name, value, ", ".join(allowed)))
    return text


def _parse_file(value, name: str) -> str | None:
    if not _given(value):
        return None
    path = os.path.expanduser(str(value))
    if not os.path.isfile(path):
        raise OptionError("%s: file '%s' does not exist or is not a file" % (name, path))
    return path


def connection_spec_from_params(params: Mapping, environ: Mapping | None = None) -> ConnectionSpec:
    """Build the ConnectionSpec from module/inventory options and the environment.

    Precedence: task options, then the URI, then the environment. The environment is only
    a fallback: HYPERV_URI / HYPERV_HOSTNAME are read when neither ``uri`` nor ``hostname``
    is set, HYPERV_USERNAME when no user is given in ``username`` or the URI, and so on.
    ``environ`` defaults to ``os.environ``.
    """
    if environ is None:
        environ = os.environ

    def param(name):
        value = params.get(name)
        return value if _given(value) else None

    def env(name):
        value = environ.get(name)
        return value if _given(value) else None

    uri, uri_source = param("uri"), "uri"
    hostname_opt, hostname_source = param("hostname"), "hostname"
    if uri is None and hostname_opt is None:
        if env(ENV_URI) is not None:
            uri, uri_source = env(ENV_URI), ENV_URI
        elif env(ENV_HOSTNAME) is not None:
            hostname_opt, hostname_source = env(ENV_HOSTNAME), ENV_HOSTNAME
        else:
            raise OptionError(
                "no Hyper-V host given: set 'uri' (%s) or 'hostname', or the %s or %s environment variable"
                % (URI_FORM, ENV_URI, ENV_HOSTNAME)
            )

    parts = _parse_uri(str(uri), uri_source) if uri is not None else None

    hostname = None
    if hostname_opt is not None:
        text = str(hostname_opt).strip()
        if "://" in text:
            raise OptionError("%s: '%s' looks like a URI; put it in the 'uri' option instead" % (hostname_source, text))
        if re.match(r"^(\[[^\]]*\]|[^:\[\]]+):\d*$", text):
            raise OptionError(
                "%s: '%s' includes a port; give only the host here and the port in the 'port' option"
                % (hostname_source, text)
            )
        bracketed = text.startswith("[") and text.endswith("]")
        hostname = _parse_host(text[1:-1] if bracketed else text, hostname_source, bracketed=bracketed)
    if parts is not None:
        if hostname is not None and hostname.lower() != parts.hostname.lower():
            raise OptionError(
                "%s names host '%s' but %s names host '%s'; set only one of them, or make them agree"
                % (uri_source, parts.hostname, hostname_source, hostname)
            )
        hostname = parts.hostname

    transport = None
    if param("transport") is not None:
        transport = _parse_transport(param("transport"), "transport")
    if parts is not None and parts.transport is not None:
        if transport is not None and transport != parts.transport:
            raise OptionError(
                "%s says transport=%s but the 'transport' option says %s; set only one of them"
                % (uri_source, parts.transport, transport)
            )
        transport = parts.transport
    transport = transport or "https"

    port = None
    if param("port") is not None:
        port = _parse_port(param("port"), "port")
    if parts is not None and parts.port is not None:
        if port is not None and port != parts.port:
            raise OptionError(
                "%s gives port %d but the 'port' option gives %d; set only one of them" % (uri_source, parts.port, port)
            )
        port = parts.port
    port = port or DEFAULT_PORTS[transport]

    username = param("username")
    if parts is not None and parts.username is not None:
        if username is not None and str(username) != parts.username:
            raise OptionError(
                "%s names user '%s' but the 'username' option says '%s'; set only one of them"
                % (uri_source, parts.username, username)
            )
        username = parts.username
    if username is None:
        username = env(ENV_USERNAME)
    username = str(username) if username is not None else None

    password = param("password")
    if password is None:
        password = env(ENV_PASSWORD)
    password = str(password) if password is not None else None

    auth = _parse_choice(param("auth") or "basic", "auth", AUTHS)

    if param("validate_certs") is not None:
        validate_certs = _parse_bool(param("validate_certs"), "validate_certs")
    elif env(ENV_VALIDATE_CERTS) is not None:
        validate_certs = _parse_bool(env(ENV_VALIDATE_CERTS), ENV_VALIDATE_CERTS)
    else:
        validate_certs = True

    ca_path = param("ca_path")
    if ca_path is not None:
        ca_path = os.path.expanduser(str(ca_path))
        if not os.path.exists(ca_path):
            raise OptionError("ca_path: '%s' does not exist (give a CA bundle file or a directory)" % ca_path)

    client_cert = client_key = None
    if auth == "certificate":
        if transport != "https":
            raise OptionError("auth=certificate needs transport https; client certificates cannot be used over http")
        if param("client_cert") is None or param("client_key") is None:
            raise OptionError("auth=certificate needs both 'client_cert' and 'client_key' (PEM file paths)")
        client_cert = _parse_file(param("client_cert"), "client_cert")
        client_key = _parse_file(param("client_key"), "client_key")
    elif auth in AUTHS_NEEDING_PASSWORD:
        # Reported here, before any request, rather than as an HTTP 401 from the host.
        if username is None:
            raise OptionError(
                "auth=%s needs a user name: set 'username', put it in the URI (hyperv://user@host/) "
                "or set %s" % (auth, ENV_USERNAME)
            )
        if password is None:
            raise OptionError(
                "auth=%s needs a password for user '%s': set the 'password' option (use Ansible Vault) "
                "or the %s environment variable" % (auth, username, ENV_PASSWORD)
            )

    connection_timeout = _parse_timeout(
        param("connection_timeout") if param("connection_timeout") is not None else DEFAULT_CONNECTION_TIMEOUT,
        "connection_timeout",
    )
    operation_timeout = _parse_timeout(
        param("operation_timeout") if param("operation_timeout") is not None else DEFAULT_OPERATION_TIMEOUT,
        "operation_timeout",
    )
    namespace = _parse_choice(param("namespace") or "auto", "namespace", NAMESPACES)

    return ConnectionSpec(
        hostname=hostname,
        port=port,
        transport=transport,
        username=username,
        password=password,
        auth=auth,
        validate_certs=validate_certs,
        ca_path=ca_path,
        client_cert=client_cert,
        client_key=client_key,
        connection_timeout=connection_timeout,
        operation_timeout=operation_timeout,
        namespace=namespace,
    )
