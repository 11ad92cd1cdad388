"""HTTP layer of the simulator (reference 1.1–1.4, 10.1 H1–H8): POST /wsman, Basic and NTLM
(Negotiate) auth with WinRM's 401 challenge, WinRM message encryption, 405/413/415, keep-alive,
Expect: 100-continue, fault injection, request log, and the test-only control endpoint
/_sim/{stats,reset,inject}."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import socket
import time
from http.server import BaseHTTPRequestHandler

from . import auth as ntlm_auth
from . import dispatch
from .soap import WsmanFault, f_timed_out, fault_envelope, parse_duration

CONTENT_TYPE = "application/soap+xml;charset=UTF-8"
SERVER = "Microsoft-HTTPAPI/2.0"


def _content_type_ok(value: str | None) -> bool:
    if not value:
        return False
    parts = [p.strip().lower() for p in value.split(";")]
    if parts[0] != "application/soap+xml":
        return False
    for p in parts[1:]:
        if p.startswith("charset="):
            return p[8:].strip('"') in ("utf-8", "utf-16", "utf-16le", "utf-16be")
    return True


_MESSAGE_ID = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?MessageID(?:\s[^>]*)?>\s*([^<]{1,256}?)\s*</")


def _message_id(data):
    """The request's MessageID, read without parsing the envelope (for faults raised before dispatch), so that
    they carry a:RelatesTo as every WinRM fault does; None when it cannot be found."""
    match = _MESSAGE_ID.search(data or b"")
    if not match:
        return None
    try:
        return match.group(1).decode("utf-8")
    except UnicodeDecodeError:
        return None


class WsmanHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER
    sys_version = ""
    timeout = 120  # idle keep-alive connections

    def setup(self):
        super().setup()
        self._ntlm_ctx = None  # NTLM/SPNEGO security context of this connection (in progress or complete)
        self._ntlm_user = None  # set once the context is complete
        self._wrap_ctx = None  # context that seals the answer to the current (encrypted) request
        self._auth_headers = ()  # WWW-Authenticate with the acceptor's last token, on the answer
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        self._wrap_ctx = None  # per request: set only while answering an encrypted request
        self._auth_headers = ()
        super().handle_one_request()

    def version_string(self):
        return SERVER

    def log_message(self, format, *args):
        pass

    @property
    def sim(self):
        return self.server.sim

    # ---- plumbing ------------------------------------------------------------------------------
    def _send(self, status, body: bytes = b"", headers=(), close=False, content_type=CONTENT_TYPE):
        if self._wrap_ctx is not None and body and content_type == CONTENT_TYPE:
            body = ntlm_auth.wrap(self._wrap_ctx, body, CONTENT_TYPE)
            content_type = ntlm_auth.ENCRYPTED_CONTENT_TYPE
        if self._auth_headers and status != 401:
            headers = [*self._auth_headers, *headers]
        self.send_response(status)
        self.send_header("Content-Type", content_type)  # on every answer (reference 10.1 H8)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        # headers and body in one write (two small writes meet Nagle + delayed ACK: 40 ms stalls)
        self._headers_buffer.append(b"\r\n")
        if body:
            self._headers_buffer.append(body)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer = []

    def _read_body(self, limit) -> bytes | None:
        """The request body, or None when a chunked body grows past ``limit`` octets (a Content-Length over
        the limit is refused before the body is read); the caller then answers 413 and closes."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline(1024)
                    return bytes(out)
                if len(out) + size > limit:
                    return None
                out += self.rfile.read(size)
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _too_large(self, user):
        self.sim.log.record("TooLarge", None, 413, user=user)
        return self._send(413, close=True)

    def _discard_body(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if 0 < length <= 1 << 20:
            self.rfile.read(length)

    def _user(self):
        """-> (user or None, ok)."""
        auth = self.headers.get("Authorization") or ""
        scheme, _unused, token = auth.partition(" ")
        if scheme.lower() != "basic":
            return None, False
        try:
            user, _unused, password = base64.b64decode(token.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, False
        cfg = self.sim
        if not cfg.basic_enabled:
            return user, False
        if not cfg.allow_unencrypted and not self.server.tls:
            return user, False
        return user, cfg.users.get(user) == password

    def _challenge(self):
        headers = []
        if self.sim.ntlm_enabled:
            headers.append(("WWW-Authenticate", "Negotiate"))
        if self.sim.basic_enabled:
            headers.append(("WWW-Authenticate", 'Basic realm="WSMAN"'))
        self._ntlm_ctx = self._ntlm_user = None
        self._send(401, headers=headers, close=True)

    def _ntlm_leg(self):
        """Authorization: Negotiate|NTLM <token>. -> None when the request may go on (the context
        is complete: self._ntlm_user is set), True when an answer was sent (challenge leg or
        refusal)."""
        sim = self.sim
        scheme, _unused, token = (self.headers.get("Authorization") or "").partition(" ")
        self._ntlm_user = None
        try:
            self._ntlm_ctx, out = sim.ntlm.step(self._ntlm_ctx, token)
        except ntlm_auth.AuthFailed:
            self._discard_body()
            sim.log.record("Unauthenticated", None, 401)
            self._challenge()
            return True
        value = f"{scheme} {base64.b64encode(out).decode()}" if out else None
        if not self._ntlm_ctx.complete:
            # challenge leg: 401 carrying the acceptor's token, connection kept alive
            self._discard_body()
            sim.log.record("Negotiate", None, 401)
            self._send(401, headers=[("WWW-Authenticate", value or scheme)])
            return True
        self._ntlm_user = sim.ntlm.user_of(self._ntlm_ctx)
        if value:
            self._auth_headers = (("WWW-Authenticate", value),)
        return None

    # ---- methods -------------------------------------------------------------------------------
    def _not_post(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/_sim/") and self.command == "GET":
            return self._control_get(path)
        self._discard_body()
        if path.lower() == "/wsman":
            self._send(405, headers=[("Allow", "POST")], close=True)
        else:
            self._send(404, close=True)

    do_GET = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _not_post

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/_sim/"):
            return self._control_post(path)
        if path.lower() != "/wsman":
            self._discard_body()
            return self._send(404, close=True)
        sim = self.sim
        if sim.injector.take_drop():
            sim.log.record("dropped", None, 0)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return None
        scheme = (self.headers.get("Authorization") or "").partition(" ")[0].lower()
        if scheme in ("negotiate", "ntlm") and sim.ntlm_enabled:
            if self._ntlm_leg():
                return None
        elif scheme:
            self._ntlm_ctx = self._ntlm_user = None  # another scheme replaces the connection's context
        if self._ntlm_user is not None:
            return self._post_ntlm()
        user, ok = self._user()
        identify_anon = (self.headers.get("WSMANIDENTIFY") or "").lower() == "unauthenticated"
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if not ok and not identify_anon:
            self._discard_body()
            sim.log.record("Unauthenticated", None, 401)
            return self._challenge()
        if length > sim.host.persona.max_envelope_kb * 1024:
            return self._too_large(user)
        if not _content_type_ok(self.headers.get("Content-Type")):
            self._discard_body()
            sim.log.record("BadContentType", None, 415, user=user)
            return self._send(415, close=True)
        data = self._read_body(sim.host.persona.max_envelope_kb * 1024)
        if data is None:
            return self._too_large(user)
        return self._serve(data, user, ok)

    def _post_ntlm(self):
        """A request on a connection whose NTLM context is complete (or that completed it)."""
        sim = self.sim
        user = self._ntlm_user
        ctype = self.headers.get("Content-Type")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        limit = sim.host.persona.max_envelope_kb * 1024
        if ntlm_auth.is_encrypted(ctype):
            if length > 2 * limit + 4096:
                return self._too_large(user)
            raw = self._read_body(2 * limit + 4096)
            if raw is None:
                return self._too_large(user)
            try:
                data, ctype = ntlm_auth.unwrap(self._ntlm_ctx, raw)
            except ntlm_auth.EncryptionError:
                # the RC4 stream is now out of step: the context (and connection) is unusable
                sim.log.record("BadEncryption", None, 400, user=user)
                self._ntlm_ctx = self._ntlm_user = None
                return self._send(400, close=True)
            self._wrap_ctx = self._ntlm_ctx
            if len(data) > limit:
                return self._too_large(user)
        else:
            if length == 0 and "chunked" not in (self.headers.get("Transfer-Encoding") or "").lower():
                # pywinrm/pypsrp finish the handshake with an empty POST before sealing anything
                sim.log.record("Authenticate", None, 200, user=user)
                return self._send(200)
            if not sim.allow_unencrypted and not self.server.tls:
                self._discard_body()
                sim.log.record("Unauthenticated", None, 401, user=user)
                return self._challenge()
            if length > limit:
                return self._too_large(user)
            data = None
        if not _content_type_ok(ctype):
            if data is None:
                self._discard_body()
            sim.log.record("BadContentType", None, 415, user=user)
            return self._send(415, close=True)
        if data is None:
            data = self._read_body(limit)
            if data is None:
                return self._too_large(user)
        return self._serve(data, user, True)

    def _serve(self, data, user, ok):
        sim = self.sim
        status = sim.injector.take_status()
        if status is not None:
            sim.log.record("injected", None, status, user=user)
            if status == 500:
                fault = WsmanFault(
                    "Receiver",
                    "w:InternalError",
                    "The WS-Management service cannot process the request. Injected internal error. ",
                    2150858752,
                )
                return self._send(500, fault_envelope(fault, _message_id(data), sim.host.computer_name).encode("utf-8"))
            return self._send(status, close=True)
        if sim.injector.latency_ms or sim.injector.fault_rate:
            timed_out = self._latency(data)
            if timed_out is not None:
                sim.log.record("TimedOut", None, 500, "w:TimedOut", user)
                return self._send(500, timed_out)
            if sim.injector.roll_fault():
                fault = WsmanFault(
                    "Receiver",
                    "w:InternalError",
                    "The WS-Management service cannot process the request. Injected internal error. ",
                    2150858752,
                )
                sim.log.record("injected", None, 500, "w:InternalError", user)
                return self._send(500, fault_envelope(fault, _message_id(data), sim.host.computer_name).encode("utf-8"))
        ans = dispatch.handle(sim, data, user=user if ok else None, authenticated=ok)
        sim.log.record(ans.action, ans.class_name, ans.status, ans.fault, user)
        if ans.status == 401:
            return self._challenge()
        body = ans.body.encode("utf-8")
        if sim.injector.take_malformed():
            body = body[: max(1, len(body) // 2)]
        self._send(ans.status, body)
        return None

    def _latency(self, data):
        """Sleep the injected latency; -> a TimedOut fault body when it exceeds OperationTimeout."""
        delay = self.sim.injector.latency_ms / 1000.0
        if delay <= 0:
            return None
        timeout = None
        marker = data.find(b"OperationTimeout")
        if marker >= 0:
            start = data.find(b">", marker) + 1
            end = data.find(b"<", start)
            try:
                timeout = parse_duration(data[start:end].decode("ascii"))
            except (ValueError, UnicodeDecodeError):
                timeout = None
        if timeout is not None and delay >= timeout:
            time.sleep(timeout)
            return fault_envelope(f_timed_out(), _message_id(data), self.sim.host.computer_name).encode("utf-8")
        time.sleep(delay)
        return None

    # ---- control endpoint (tests and benchmarks only; not host behaviour) -----------------------
    def _json(self, status, obj):
        self._send(status, json.dumps(obj).encode("utf-8"), content_type="application/json")

    def _control_get(self, path):
        if path == "/_sim/stats":
            return self._json(200, self.sim.stats())
        if path == "/_sim/inject":
            return self._json(200, self.sim.injector.state(self.sim))
        return self._send(404, close=True)

    def _control_post(self, path):
        data = self._read_body(1 << 20)
        if data is None:
            return self._send(413, close=True)
        if path == "/_sim/reset":
            self.sim.reset_stats()
            return self._json(200, {"ok": True})
        if path == "/_sim/inject":
            try:
                kw = json.loads(data or b"{}")
                self.sim.inject(**kw)
            except (ValueError, TypeError) as exc:
                return self._json(400, {"error": str(exc)})
            return self._json(200, self.sim.injector.state(self.sim))
        if path == "/_sim/stats":
            return self._json(200, self.sim.stats())
        return self._send(404, close=True)
