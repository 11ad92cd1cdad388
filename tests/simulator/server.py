"""Start and stop simulated hosts (used by __main__ and the pytest fixture)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import ssl
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer

from .auth import NtlmAcceptor, parse_methods
from .enumeration import ContextStore
from .http import WsmanHandler
from .inject import Injector
from .reqlog import RequestLog


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    tls_handshake_timeout = 10.0

    def finish_request(self, request, client_address):
        """Runs in the connection's own thread. The TLS handshake is done here, not in accept(): there a
        client that connects and sends nothing would hold up every other connection."""
        if isinstance(request, ssl.SSLSocket):
            request.settimeout(self.tls_handshake_timeout)
            try:
                request.do_handshake()
            except (OSError, ValueError):  # ssl.SSLError is an OSError; a timeout too
                return  # process_request_thread closes the socket
        super().finish_request(request, client_address)


def make_certificate(common_name: str, directory: str):
    """Self-signed certificate (RSA 2048) for CN, localhost and 127.0.0.1 -> (certfile, keyfile)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName(
        [
            x509.DNSName(common_name),
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile = os.path.join(directory, "sim-cert.pem")
    keyfile = os.path.join(directory, "sim-key.pem")
    with open(certfile, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(keyfile, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
            )
        )
    return certfile, keyfile


class SimHost:
    """One simulated Hyper-V host on one port."""

    def __init__(
        self,
        host,
        users=None,
        *,
        bind="127.0.0.1",
        port=0,
        tls=False,
        certfile=None,
        keyfile=None,
        auth=("basic", "ntlm"),
        basic_enabled=True,
        allow_unencrypted=True,
        enum_timeout_s=240.0,
        state_file=None,
        seed=0,
        https_port=None,
    ):
        self.host = host
        self.users = dict(users or {"admin": "secret"})
        self.bind = bind
        self.requested_port = port
        self.tls = tls
        # with tls=False, a port (0 = free) on which the same host also answers over HTTPS, as a real host
        # listens on 5985 and 5986 (reference 10.1 H6)
        self.requested_https_port = https_port
        self._https_server = None
        self.certfile = certfile
        self.keyfile = keyfile
        methods = set(parse_methods(auth))
        if not basic_enabled:
            methods.discard("basic")
        self.auth_methods = parse_methods(methods)  # ValueError when nothing is left
        self.basic_enabled = "basic" in self.auth_methods
        self.ntlm_enabled = "ntlm" in self.auth_methods
        self.ntlm = None  # NtlmAcceptor while running with NTLM enabled
        self.allow_unencrypted = allow_unencrypted
        self.contexts = ContextStore(enum_timeout_s)
        self.log = RequestLog()
        self.injector = Injector(seed)
        self.state_file = state_file
        self._save_lock = threading.Lock()
        self._server = None
        self._tmpdir = None

    # ---- lifecycle -----------------------------------------------------------------------------
    def start(self):
        self._server = self._listen(self.requested_port, self.tls)
        if self.requested_https_port is not None and not self.tls:
            self._https_server = self._listen(self.requested_https_port, True)
        if self.ntlm_enabled:
            uses_tls = self.tls or self._https_server is not None
            self.ntlm = NtlmAcceptor(self.users, self.host.computer_name, self.certfile if uses_tls else None)
        for srv in (self._server, self._https_server):
            if srv is not None:
                name = f"hvsim-{srv.server_address[1]}"
                threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, name=name, daemon=True).start()
        return self

    def _listen(self, port, tls):
        """A listener on the host's model; ``srv.tls`` tells the handler whether its connections are TLS."""
        srv = _Server((self.bind, port), WsmanHandler)
        srv.sim = self
        srv.tls = tls
        if tls:
            if not self.certfile:
                self._tmpdir = tempfile.TemporaryDirectory(prefix="hvsim-tls-")
                self.certfile, self.keyfile = make_certificate(self.host.computer_name, self._tmpdir.name)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.certfile, self.keyfile)
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
        return srv

    def stop(self):
        for srv in (self._server, self._https_server):
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        self._server = self._https_server = None
        self.state_changed()
        if self.ntlm is not None:
            self.ntlm.close()
            self.ntlm = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self.requested_port

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.bind}:{self.port}/wsman"

    @property
    def https_url(self) -> str | None:
        """The HTTPS endpoint: ``url`` with tls=True, the second listener with https_port, else None."""
        if self.tls:
            return self.url
        if self._https_server is None:
            return None
        return f"https://{self.bind}:{self._https_server.server_address[1]}/wsman"

    # ---- test API ------------------------------------------------------------------------------
    def stats(self) -> dict:
        out = self.log.snapshot()
        out["open_contexts"] = len(self.contexts)
        return out

    def reset_stats(self):
        self.log.reset()

    def inject(self, **switches):
        self.injector.set(self, **switches)

    # ---- persistence ---------------------------------------------------------------------------
    def state_changed(self):
        if self.state_file:
            try:
                self.save_state()
            except Exception as exc:  # a failed save must not fail the request
                print(f"hyperv simulator: cannot save state to {self.state_file}: {exc}", file=sys.stderr)

    def save_state(self):
        with self._save_lock:
            data = self.host.to_json()
            tmp = f"{self.state_file}.tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.state_file)


def load_or_build(
    state_file=None, persona="2022", vms=3, switches=1, computer_name="HV-SIM01", seed=0, guest_os_for_new_vms=True
):
    from .model import Host, build_host

    if state_file and os.path.exists(state_file):
        with open(state_file, encoding="utf-8") as fh:
            host = Host.from_json(json.load(fh))
        host.guest_os_for_new_vms = guest_os_for_new_vms
        return host
    return build_host(
        persona=persona,
        vms=vms,
        switches=switches,
        computer_name=computer_name,
        seed=seed,
        guest_os_for_new_vms=guest_os_for_new_vms,
    )


def state_file_for(base, index, count):
    if not base or count == 1:
        return base
    root, ext = os.path.splitext(base)
    return f"{root}-{index}{ext}"
