"""The real pywinrm transport path against a tiny loopback HTTP server: 401 → AuthenticationError,
a SOAP fault in a 500 → WSManFault, one HTTP session reused, and connection refused on a closed port."""

from __future__ import annotations

import base64
import http.server
import socket
import threading

import pytest

from ansible_collections.wsman.hyperv.plugins.module_utils import wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    AuthenticationError,
    UnreachableError,
    WSManFault,
)
from tests.unit.driver import fakehost as fh


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "401"
    seen = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        type(self).seen.append((self.headers.get("Authorization"), self.client_address[1], body))
        if self.mode == "401":
            self.send_response(401)
            self.send_header("WWW-Authenticate", "Negotiate")
            self.send_header("WWW-Authenticate", 'Basic realm="WSMAN"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        req = fh.Request(body)
        if self.mode == "fault":
            data = fh.fault_xml("s:Sender", "w:InvalidSelectors", "The WS-Management service cannot process the "
                                "request because the request contained invalid selectors for the resource. ",
                                2150858843, relates_to=req.message_id)
            status = 500
        else:
            data = fh.PagingHost([fh.instance_xml("Msvm_ComputerSystem", fh.vm_props(1))])(req)
            status = 200
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def server():
    Handler.seen = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def http_client(port, **over):
    values = dict(hostname="127.0.0.1", port=port, transport="http", connection_timeout=5, operation_timeout=5)
    values.update(over)
    return wsman.WSManClient(fh.spec(**values))


def test_401_gives_authentication_error_end_to_end(server):
    Handler.mode = "401"
    client = http_client(server.server_address[1])
    with pytest.raises(AuthenticationError) as err:
        client.query("SELECT * FROM Msvm_ComputerSystem")
    msg = str(err.value)
    assert "rejected user 'admin' with auth=basic (HTTP 401)" in msg
    assert 'winrm set winrm/config/service/auth @{Basic="true"}' in msg
    assert 'AllowUnencrypted="true"' in msg
    assert fh.PASSWORD not in msg and fh.PASSWORD not in repr(err.value.__dict__)
    auth, _unused, body = Handler.seen[0]
    assert auth.startswith("Basic ")  # pywinrm sends Basic preemptively
    assert base64.b64decode(auth[6:]).decode() == "admin:" + fh.PASSWORD
    assert b"<" in body and client.round_trips == 1


def test_fault_in_500_and_session_reuse(server):
    Handler.mode = "ok"
    client = http_client(server.server_address[1])
    assert len(client.query("SELECT * FROM Msvm_ComputerSystem")) == 1
    assert len(client.query("SELECT * FROM Msvm_ComputerSystem")) == 1
    Handler.mode = "fault"
    with pytest.raises(WSManFault) as err:
        client.get("Msvm_ComputerSystem", {"Name": "x"})
    assert err.value.http_status == 500 and err.value.wsman_code == 2150858843
    assert client.round_trips == 3
    ports = {port for _unused, port, _unused in Handler.seen}
    assert len(ports) == 1  # one keep-alive connection: the requests session is reused
    client.close()


def test_connection_refused_on_closed_loopback_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    client = http_client(port)
    with pytest.raises(UnreachableError) as err:
        client.identify()
    assert "connection refused" in str(err.value)
    assert "127.0.0.1 port %d (http)" % port in str(err.value)
    assert err.value.port == port and err.value.transport == "http"
    assert client.round_trips == 1
