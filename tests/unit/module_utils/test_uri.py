"""Table-driven tests for plugins/module_utils/uri.py (docs/connection.md is the rule book)."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import (
    CONNECTION_ARGUMENT_SPEC,
    ConnectionSpec,
    connection_spec_from_params,
)

SECRET = "S3cr3t!pw"
CREDS = {"username": "admin", "password": SECRET}


def spec(params, environ=None):
    return connection_spec_from_params(params, environ if environ is not None else {})


def fails(params, environ=None):
    with pytest.raises(OptionError) as info:
        spec(params, environ)
    return str(info.value)


# (params, expected endpoint, expected (hostname, port, transport, username))
GOOD = [
    ({"uri": "hyperv://hv01"}, "https://hv01:5986/wsman", ("hv01", 5986, "https", "admin")),
    ({"uri": "hyperv://hv01/"}, "https://hv01:5986/wsman", ("hv01", 5986, "https", "admin")),
    ({"uri": "HYPERV://hv01.example.com/"}, "https://hv01.example.com:5986/wsman", None),
    ({"uri": "hyperv://hv01/?transport=http"}, "http://hv01:5985/wsman", ("hv01", 5985, "http", "admin")),
    ({"uri": "hyperv://hv01?transport=http"}, "http://hv01:5985/wsman", None),
    ({"uri": "hyperv://hv01/?transport=HTTPS"}, "https://hv01:5986/wsman", None),
    ({"uri": "hyperv://hv01:8443/"}, "https://hv01:8443/wsman", ("hv01", 8443, "https", "admin")),
    ({"uri": "hyperv://hv01:1/?transport=http"}, "http://hv01:1/wsman", None),
    ({"uri": "hyperv://hv01:65535/"}, "https://hv01:65535/wsman", None),
    ({"uri": "hyperv://192.0.2.7/"}, "https://192.0.2.7:5986/wsman", None),
    ({"uri": "hyperv://[fe80::1]/"}, "https://[fe80::1]:5986/wsman", ("fe80::1", 5986, "https", "admin")),
    ({"uri": "hyperv://[2001:db8::5]:5985/?transport=http"}, "http://[2001:db8::5]:5985/wsman", None),
    (
        {"uri": "hyperv://DOMAIN%5Cjdoe@hv01/", "username": None, "password": SECRET},
        "https://hv01:5986/wsman",
        ("hv01", 5986, "https", "DOMAIN\\jdoe"),
    ),
    (
        {"uri": "hyperv://jdoe%40corp.example@[::1]:5000/", "username": None, "password": SECRET},
        "https://[::1]:5000/wsman",
        ("::1", 5000, "https", "jdoe@corp.example"),
    ),
    ({"uri": "  hyperv://hv01/  "}, "https://hv01:5986/wsman", None),
    (
        {"uri": "hyperv://[fe80::1%25eth0]/"},
        "https://[fe80::1%25eth0]:5986/wsman",
        ("fe80::1%eth0", 5986, "https", "admin"),
    ),
    ({"hostname": "hv01"}, "https://hv01:5986/wsman", ("hv01", 5986, "https", "admin")),
    ({"hostname": "hv01", "transport": "http"}, "http://hv01:5985/wsman", None),
    ({"hostname": "hv01", "port": 15985, "transport": "http"}, "http://hv01:15985/wsman", None),
    ({"hostname": "hv01", "port": "5999"}, "https://hv01:5999/wsman", None),
    ({"hostname": "fe80::1"}, "https://[fe80::1]:5986/wsman", None),
    ({"hostname": "[fe80::1]"}, "https://[fe80::1]:5986/wsman", None),
    ({"uri": "hyperv://hv01/", "hostname": "HV01"}, "https://hv01:5986/wsman", None),
    ({"uri": "hyperv://hv01:5985/?transport=http", "port": 5985, "transport": "http"}, "http://hv01:5985/wsman", None),
    ({"uri": "hyperv://admin@hv01/", "username": "admin"}, "https://hv01:5986/wsman", None),
    # blank strings count as "not set"
    ({"uri": "hyperv://hv01/", "hostname": "", "port": None, "transport": " "}, "https://hv01:5986/wsman", None),
]


@pytest.mark.parametrize(("params", "endpoint", "fields"), GOOD, ids=[repr(g[0]) for g in GOOD])
def test_good_input(params, endpoint, fields):
    result = spec({**CREDS, **params})
    assert result.endpoint == endpoint
    if fields:
        assert (result.hostname, result.port, result.transport, result.username) == fields


def test_defaults():
    result = spec({"hostname": "hv01", **CREDS})
    assert result.auth == "basic"
    assert result.validate_certs is True
    assert result.connection_timeout == 30
    assert result.operation_timeout == 60
    assert result.namespace == "auto"
    assert result.ca_path is None
    assert result.client_cert is None
    assert result.client_key is None
    assert result.password == SECRET


def test_spec_is_immutable():
    result = spec({"hostname": "hv01", **CREDS})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.port = 1


def test_password_never_in_repr_str_or_display():
    result = spec({"uri": "hyperv://admin@hv01/", "password": SECRET})
    for text in (repr(result), str(result), result.display, result.endpoint):
        assert SECRET not in text
    assert result.display == "hyperv://admin@hv01:5986/?transport=https"


@pytest.mark.parametrize(
    ("params", "display"),
    [
        (
            {"uri": "hyperv://DOMAIN%5Cjdoe@[fe80::1]/?transport=http"},
            "hyperv://DOMAIN%5Cjdoe@[fe80::1]:5985/?transport=http",
        ),
        ({"hostname": "hv01", "username": "admin"}, "hyperv://admin@hv01:5986/?transport=https"),
        ({"hostname": "hv01", "auth": "kerberos", "password": None}, "hyperv://hv01:5986/?transport=https"),
    ],
)
def test_display_round_trips(params, display):
    result = spec({"password": SECRET, **params})
    assert result.display == display
    again = spec({"uri": result.display, "password": SECRET, "auth": result.auth})
    assert (again.hostname, again.port, again.transport, again.username) == (
        result.hostname,
        result.port,
        result.transport,
        result.username,
    )


# (params, words that must all appear in the message)
BAD = [
    ({"uri": "hyperv+ssh://root@hv01/"}, ["hyperv+ssh://", "client-side only", "+ssh", "hyperv://[username@]hostname"]),
    ({"uri": "qemu+ssh://root@kvm/system"}, ["qemu+ssh://", "client-side only", "hyperv://"]),
    ({"uri": "http://hv01:5985/wsman"}, ["'http://'", "only the hyperv:// scheme", "hyperv://[username@]hostname"]),
    ({"uri": "https://hv01/"}, ["'https://'", "hyperv://"]),
    ({"uri": "esx://vcenter/"}, ["'esx://'", "hyperv://"]),
    ({"uri": "hv01.example.com"}, ["not a hyperv:// URI", "hyperv://[username@]hostname"]),
    ({"uri": "hyperv:hv01"}, ["not a hyperv:// URI"]),
    ({"uri": "hyperv://hv01/?foo=bar"}, ["unknown query parameter 'foo'", "allowed: transport"]),
    ({"uri": "hyperv://hv01/?transport=http&no_verify=1"}, ["'no_verify'", "allowed: transport"]),
    ({"uri": "hyperv://hv01/?transport=ssh"}, ["transport must be 'https' or 'http'", "'ssh'"]),
    ({"uri": "hyperv://hv01/?transport="}, ["'transport' needs a value"]),
    ({"uri": "hyperv://hv01/?transport=http&transport=https"}, ["more than once"]),
    ({"hostname": "hv01", "transport": "smtp"}, ["transport must be 'https' or 'http'", "'smtp'"]),
    ({"uri": "hyperv://hv01:0/"}, ["port must be a number from 1 to 65535", "got 0"]),
    ({"uri": "hyperv://hv01:65536/"}, ["1 to 65535", "65536"]),
    ({"uri": "hyperv://hv01:abc/"}, ["1 to 65535", "'abc'"]),
    ({"uri": "hyperv://hv01:/"}, ["1 to 65535"]),
    ({"uri": "hyperv://hv01:-1/"}, ["1 to 65535", "'-1'"]),
    ({"hostname": "hv01", "port": 70000}, ["port: the port must be a number from 1 to 65535", "70000"]),
    ({"hostname": "hv01", "port": "http"}, ["port:", "'http'"]),
    ({"hostname": "hv01", "port": True}, ["port:", "boolean"]),
    ({"uri": "hyperv:///"}, ["host name is empty"]),
    ({"uri": "hyperv://"}, ["host name is empty"]),
    ({"uri": "hyperv://admin@/"}, ["host name is empty"]),
    ({"uri": "hyperv://:5986/"}, ["host name is empty"]),
    ({"uri": "hyperv://@hv01/"}, ["user name before '@' is empty"]),
    ({"uri": "hyperv://hv01/wsman"}, ["path must be empty or '/'", "/wsman"]),
    ({"uri": "hyperv://hv01/root/virtualization/v2"}, ["path must be empty or '/'"]),
    ({"uri": "hyperv://hv01/#frag"}, ["fragment"]),
    ({"uri": "hyperv://fe80::1/"}, ["IPv6", "brackets"]),
    ({"uri": "hyperv://[fe80::zz]/"}, ["not a valid IPv6 address"]),
    ({"uri": "hyperv://[fe80::1/"}, ["missing ']'"]),
    ({"uri": "hyperv://[fe80::1]x/"}, ["unexpected text"]),
    ({"uri": "hyperv://hv 01/"}, ["not a valid host name"]),
    ({"uri": "hyperv://hv01..example/"}, ["not a valid host name"]),
    ({"hostname": "hyperv://hv01/"}, ["hostname:", "looks like a URI", "'uri' option"]),
    ({"hostname": "-hv01"}, ["not a valid host name"]),
    ({"hostname": "hv01:5986"}, ["hostname: 'hv01:5986' includes a port", "'port' option"]),
    ({"hostname": "[fe80::1]:5985"}, ["includes a port", "'port' option"]),
    ({"hostname": "fe80::zz"}, ["not a valid IPv6 address"]),
    ({"uri": "hyperv://hv01/", "hostname": "hv02"}, ["uri names host 'hv01'", "hostname names host 'hv02'"]),
    ({"uri": "hyperv://alice@hv01/", "username": "bob"}, ["names user 'alice'", "'username' option says 'bob'"]),
    ({"uri": "hyperv://hv01:5985/", "port": 5986}, ["port 5985", "'port' option gives 5986"]),
    (
        {"uri": "hyperv://hv01/?transport=http", "transport": "https"},
        ["transport=http", "'transport' option says https"],
    ),
    ({}, ["no Hyper-V host given", "'uri'", "'hostname'", "HYPERV_URI", "HYPERV_HOSTNAME"]),
    ({"hostname": "hv01", "auth": "digest"}, ["auth:", "'digest'", "basic, ntlm, kerberos, credssp, certificate"]),
    ({"hostname": "hv01", "namespace": "root/cimv2"}, ["namespace:", "auto, root/virtualization/v2"]),
    ({"hostname": "hv01", "connection_timeout": 0}, ["connection_timeout:", "1 or more"]),
    ({"hostname": "hv01", "operation_timeout": "soon"}, ["operation_timeout:", "'soon'"]),
    ({"hostname": "hv01", "validate_certs": "maybe"}, ["validate_certs:", "'maybe'", "true", "false"]),
    ({"hostname": "hv01", "ca_path": "/nonexistent/ca.pem"}, ["ca_path:", "/nonexistent/ca.pem", "does not exist"]),
    ({"hostname": "hv01", "username": None}, ["auth=basic needs a user name", "HYPERV_USERNAME"]),
    ({"hostname": "hv01", "password": None}, ["auth=basic needs a password", "'password' option", "HYPERV_PASSWORD"]),
    ({"hostname": "hv01", "password": None, "auth": "ntlm"}, ["auth=ntlm needs a password"]),
    ({"hostname": "hv01", "auth": "certificate"}, ["auth=certificate needs both 'client_cert' and 'client_key'"]),
    ({"hostname": "hv01", "auth": "certificate", "transport": "http"}, ["auth=certificate needs transport https"]),
    (
        {"hostname": "hv01", "auth": "certificate", "client_cert": "/no/cert.pem", "client_key": "/no/key.pem"},
        ["client_cert:", "/no/cert.pem", "does not exist"],
    ),
]


@pytest.mark.parametrize(("params", "words"), BAD, ids=[repr(b[0]) for b in BAD])
def test_bad_input_is_a_clear_option_error(params, words):
    message = fails({**CREDS, **params})
    for word in words:
        assert word in message, "%r not in %r" % (word, message)
    assert SECRET not in message


PASSWORD_IN_URI = [
    "hyperv://admin:%s@hv01/" % SECRET,
    "hyperv://admin:%s@hv01:5986/?transport=https" % SECRET,
    "hyperv://admin:%s@[fe80::1]/" % SECRET,
    "hyperv://DOMAIN%%5Cadmin:%s@hv01/" % SECRET,
    "hyperv://admin%%3A%s@hv01/" % SECRET,  # an encoded ':' still separates user and password
    "hyperv://admin:pa/ss?w#o@rd@hv01/",  # unencoded '/', '?', '#' and '@' inside the password
    "hyperv://admin:12345@hv01/",
    "hyperv://admin:@hv01/",
    "http://admin:%s@hv01:5985/wsman" % SECRET,
    "admin:%s@hv01" % SECRET,
]


@pytest.mark.parametrize("uri", PASSWORD_IN_URI)
def test_password_in_uri_is_refused_without_echo(uri):
    message = fails({"uri": uri, "username": None, "password": None})
    assert SECRET not in message
    for fragment in ("pa/ss", "w#o@rd", "12345"):
        assert fragment not in message
    if uri.startswith("hyperv"):
        assert "password inside the URI is refused" in message
        assert "'password' option" in message


def test_password_only_in_environment_never_echoed():
    message = fails({"uri": "hyperv://hv01/?transport=bogus"}, {"HYPERV_PASSWORD": SECRET, "HYPERV_USERNAME": "u"})
    assert "bogus" in message
    assert SECRET not in message


def test_no_error_message_contains_the_password():
    """Every bad-input case again, with the password in every place it can come from."""
    for params, _words in BAD:
        for environ in ({}, {"HYPERV_PASSWORD": SECRET}):
            try:
                spec({**CREDS, **params}, environ)
            except OptionError as exc:
                assert SECRET not in str(exc)
                assert SECRET not in repr(exc)


# Environment fallbacks: (params, environ, expected attribute values)
ENV = [
    ({}, {"HYPERV_URI": "hyperv://hv07/?transport=http"}, {"hostname": "hv07", "transport": "http", "port": 5985}),
    ({}, {"HYPERV_HOSTNAME": "hv08"}, {"hostname": "hv08", "port": 5986}),
    ({}, {"HYPERV_URI": "hyperv://hv07/", "HYPERV_HOSTNAME": "hv08"}, {"hostname": "hv07"}),
    ({"hostname": "hv01"}, {"HYPERV_URI": "hyperv://hv07/"}, {"hostname": "hv01"}),
    ({"uri": "hyperv://hv01/"}, {"HYPERV_HOSTNAME": "hv08"}, {"hostname": "hv01"}),
    ({}, {"HYPERV_URI": "", "HYPERV_HOSTNAME": "hv08"}, {"hostname": "hv08"}),
    ({"hostname": "hv01", "username": None}, {"HYPERV_USERNAME": "envuser"}, {"username": "envuser"}),
    ({"uri": "hyperv://uriuser@hv01/", "username": None}, {"HYPERV_USERNAME": "envuser"}, {"username": "uriuser"}),
    ({"hostname": "hv01"}, {"HYPERV_USERNAME": "envuser"}, {"username": "admin"}),
    ({"hostname": "hv01", "password": None}, {"HYPERV_PASSWORD": "envpw"}, {"password": "envpw"}),
    ({"hostname": "hv01"}, {"HYPERV_PASSWORD": "envpw"}, {"password": SECRET}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": "false"}, {"validate_certs": False}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": "No"}, {"validate_certs": False}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": "0"}, {"validate_certs": False}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": " yes "}, {"validate_certs": True}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": "on"}, {"validate_certs": True}),
    ({"hostname": "hv01"}, {"HYPERV_VALIDATE_CERTS": ""}, {"validate_certs": True}),
    ({"hostname": "hv01", "validate_certs": True}, {"HYPERV_VALIDATE_CERTS": "false"}, {"validate_certs": True}),
    ({"hostname": "hv01", "validate_certs": "no"}, {}, {"validate_certs": False}),
]


@pytest.mark.parametrize(("params", "environ", "expected"), ENV, ids=[repr(e[:2]) for e in ENV])
def test_environment_fallbacks(params, environ, expected):
    result = spec({**CREDS, **params}, environ)
    for name, value in expected.items():
        assert getattr(result, name) == value


@pytest.mark.parametrize("garbage", ["maybe", "2", "tru", "enabled"])
def test_validate_certs_env_garbage_is_rejected(garbage):
    message = fails({"hostname": "hv01", **CREDS}, {"HYPERV_VALIDATE_CERTS": garbage})
    assert "HYPERV_VALIDATE_CERTS" in message
    assert "'%s'" % garbage in message
    assert "true" in message and "false" in message


def test_bad_environment_uri_names_the_variable():
    message = fails({**CREDS}, {"HYPERV_URI": "hyperv+ssh://hv01/"})
    assert message.startswith("HYPERV_URI:")


def test_environ_defaults_to_os_environ(monkeypatch):
    monkeypatch.setenv("HYPERV_HOSTNAME", "from-os-environ")
    assert connection_spec_from_params(CREDS).hostname == "from-os-environ"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"auth": "kerberos", "username": None, "password": None}, ("kerberos", None, None)),
        ({"auth": "KERBEROS", "password": None}, ("kerberos", "admin", None)),
        ({"auth": "ntlm"}, ("ntlm", "admin", SECRET)),
        ({"auth": "credssp"}, ("credssp", "admin", SECRET)),
    ],
)
def test_auth_methods(params, expected):
    result = spec({"hostname": "hv01", **CREDS, **params})
    assert (result.auth, result.username, result.password) == expected


def test_certificate_auth(tmp_path):
    cert, key, ca = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    for path in (cert, key, ca):
        path.write_text("-----BEGIN-----\n")
    result = spec(
        {
            "hostname": "hv01",
            "auth": "certificate",
            "client_cert": str(cert),
            "client_key": str(key),
            "ca_path": str(ca),
        }
    )
    assert (result.client_cert, result.client_key, result.ca_path) == (str(cert), str(key), str(ca))
    assert result.username is None and result.password is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("auto", "auto"),
        ("root/virtualization/v2", "root/virtualization/v2"),
        ("root\\virtualization", "root/virtualization"),
    ],
)
def test_namespace(value, expected):
    assert spec({"hostname": "hv01", "namespace": value, **CREDS}).namespace == expected


def test_timeouts_accept_numbers_and_digit_strings():
    result = spec({"hostname": "hv01", "connection_timeout": "5", "operation_timeout": 120, **CREDS})
    assert (result.connection_timeout, result.operation_timeout) == (5, 120)


def test_argument_spec_matches_the_dataclass():
    fields = {f.name for f in dataclasses.fields(ConnectionSpec)}
    assert set(CONNECTION_ARGUMENT_SPEC) == fields | {"uri"}
    assert CONNECTION_ARGUMENT_SPEC["password"]["no_log"] is True
    password_field = next(f for f in dataclasses.fields(ConnectionSpec) if f.name == "password")
    assert password_field.repr is False


def test_argument_spec_matches_the_doc_fragment():
    import yaml

    from ansible_collections.wsman.hyperv.plugins.doc_fragments.connection import ModuleDocFragment

    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(options) == set(CONNECTION_ARGUMENT_SPEC)
    for name, argspec in CONNECTION_ARGUMENT_SPEC.items():
        doc = options[name]
        assert doc["type"] == argspec["type"], name
        assert doc.get("default") == argspec.get("default"), name
        assert doc.get("choices") == argspec.get("choices"), name
        assert bool(doc.get("no_log")) is False  # no_log lives in the argument spec, not in docs
