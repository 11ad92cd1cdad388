"""Every error class with its message; the password never appears anywhere."""

from __future__ import annotations

import pytest
import requests
from winrm.exceptions import InvalidCredentialsError, WinRMTransportError

from ansible_collections.wsman.hyperv.plugins.module_utils import errors, wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    AuthenticationError,
    HypervError,
    MalformedResponse,
    TLSVerificationError,
    TransportError,
    UnreachableError,
    WSManFault,
    scrub,
)
from tests.unit.driver import fakehost as fh

PW = fh.PASSWORD


def raising(exc):
    def handler(req):
        raise exc

    return handler


def run(handler, **spec_over):
    client = wsman.WSManClient(fh.spec(**spec_over), transport=fh.FakeTransport(handler))
    with pytest.raises(HypervError) as err:
        client.get("Msvm_ComputerSystem", {"CreationClassName": "Msvm_ComputerSystem", "Name": "G"})
    assert_no_password(err.value)
    return err.value


def assert_no_password(exc):
    for text in (str(exc), repr(exc), repr(exc.args), repr(vars(exc))):
        assert PW not in text
        assert "s3cr3t" not in text


def test_scrub_masks_plain_xml_and_url_forms():
    from urllib.parse import quote

    text = "a %s b %s c %s" % (PW, PW.replace("&", "&amp;").replace("<", "&lt;"), quote(PW, safe=""))
    out = scrub(text, PW)
    assert "s3cr3t" not in out and "Pa$$" not in out and "Pa%24%24w0rd" not in out
    assert out == f"a {errors.MASK} b {errors.MASK} c {errors.MASK}"
    assert scrub("nothing", None, "") == "nothing"


def test_authentication_error_names_user_method_and_hints():
    e = run(raising(InvalidCredentialsError("the specified credentials were rejected by the server")))
    assert isinstance(e, AuthenticationError) and e.status == 401
    msg = str(e)
    assert "'admin'" in msg and "auth=basic" in msg and "HTTP 401" in msg
    assert 'winrm set winrm/config/service/auth @{Basic="true"}' in msg
    assert "AllowUnencrypted" not in msg  # https
    e = run(raising(InvalidCredentialsError("x")), transport="http", port=5985)
    assert 'AllowUnencrypted="true"' in str(e)
    assert e.username == "admin" and e.auth == "basic"


def test_tls_error_hints_at_validate_certs_and_ca_path():
    e = run(raising(requests.exceptions.SSLError("certificate verify failed: self signed certificate")))
    assert isinstance(e, TLSVerificationError)
    msg = str(e)
    assert "ca_path" in msg and "validate_certs" in msg and "hv01.example.test port 5986 (https)" in msg


@pytest.mark.parametrize("exc,reason", [
    (requests.exceptions.ConnectionError("[Errno 111] Connection refused"), "connection refused"),
    (requests.exceptions.ConnectTimeout("timed out"), "connection timed out after 5s"),
    (requests.exceptions.ReadTimeout("read timed out"), "no answer within 50s"),
    (requests.exceptions.ConnectionError("Name or service not known"), "host name could not be resolved"),
    (requests.exceptions.ConnectionError("[Errno 101] Network is unreachable"), "network unreachable"),
])
def test_unreachable_errors_name_host_port_transport(exc, reason):
    e = run(raising(exc))
    assert isinstance(e, UnreachableError)
    assert reason in str(e) and e.reason.startswith(reason)
    assert "hv01.example.test port 5986 (https)" in str(e)
    assert (e.host, e.port, e.transport) == ("hv01.example.test", 5986, "https")


def test_password_in_foreign_text_is_scrubbed():
    e = run(raising(requests.exceptions.ConnectionError("proxy said %s refused" % PW)))
    assert errors.MASK in str(e)


def test_http_status_without_fault_is_transport_error():
    e = run(raising(WinRMTransportError("http", 413, "")))
    assert isinstance(e, TransportError) and not isinstance(e, (UnreachableError, AuthenticationError))
    assert e.status == 413
    assert "HTTP 413" in str(e) and "MaxEnvelopeSizekb" in str(e)


def test_wsman_fault_from_500_body_with_provider_fault():
    body = fh.fault_xml("s:Sender", "a:DestinationUnreachable", "The WS-Management service cannot process the "
                        "request because the resource URI is not valid. ", 2150858752,
                        message="No instance found with given property values. ",
                        detail_uri="http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidResourceURI")
    e = run(raising(WinRMTransportError("http", 500, body.decode())), namespace="root/virtualization/v2")
    assert isinstance(e, WSManFault)
    assert e.code == "s:Sender" and e.subcode == "a:DestinationUnreachable"
    assert e.wsman_code == 2150858752 and e.http_status == 500
    assert e.fault_message == "No instance found with given property values."
    msg = str(e)
    assert "No instance found" in msg and "WSManFault 2150858752 (0x80338000" in msg
    assert "detail InvalidResourceURI" in msg and "Get Msvm_ComputerSystem" in msg


def test_wsman_fault_with_wmi_error_detail_and_password_echo():
    body = fh.fault_xml("s:Receiver", "w:InternalError", "quota exceeded for %s. " % PW, None,
                        wmi_code=2150859174, message="This user is allowed a maximum number of 1500 concurrent "
                        "operations, which has been exceeded. %s" % PW)
    e = run(raising(WinRMTransportError("http", 500, body.decode())), namespace="root/virtualization/v2")
    assert isinstance(e, WSManFault) and e.wmi_code == 2150859174
    assert "1500 concurrent" in str(e) and "too many concurrent operations" in str(e)


def test_fault_in_http_200_body_is_raised():
    def handler(req):
        return fh.fault_xml("s:Receiver", "w:TimedOut", "The WS-Management service cannot complete the operation "
                            "within the time specified in OperationTimeout.  ", 2150858793, relates_to=req.message_id)

    e = run(handler)
    assert isinstance(e, WSManFault) and e.subcode == "w:TimedOut" and e.http_status == 200
    assert "operation timed out" in str(e)


def test_malformed_response_snippet_is_scrubbed():
    e = run(lambda req: ("<notxml %s" % PW).encode())
    assert isinstance(e, MalformedResponse)


def test_method_and_job_error_classes_are_hyperv_errors():
    assert issubclass(errors.MethodError, HypervError)
    assert issubclass(errors.JobTimeout, errors.JobError)
    assert issubclass(errors.UnsafeXML, MalformedResponse)
    assert issubclass(errors.ResponseTooLarge, MalformedResponse)
    assert issubclass(errors.OptionError, ValueError)


def test_spec_repr_and_client_never_show_password():
    client = wsman.WSManClient(fh.spec(), transport=fh.FakeTransport(lambda r: b""))
    assert PW not in repr(fh.spec()) and PW not in repr(client.spec)


def test_certificate_auth_without_files_is_a_transport_error_before_any_request():
    client = wsman.WSManClient(fh.spec(auth="certificate", client_cert="/nonexistent/c.pem",
                                       client_key="/nonexistent/k.pem", username=None, password=None))
    with pytest.raises(TransportError) as err:
        client.identify()
    assert "certificate" in str(err.value) and client.round_trips == 0
