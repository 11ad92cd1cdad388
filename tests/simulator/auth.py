"""NTLM (through HTTP `Negotiate`) for the simulator's HTTP front, and WinRM message encryption
(MS-WSMV 2.2.9.1.1, `multipart/encrypted; protocol="application/HTTP-SPNEGO-session-encrypted"`).

The acceptor is pyspnego's pure-Python NTLM / SPNEGO implementation (`spnego.server`). pyspnego's
NTLM acceptor takes its users only from the file named by the environment variable
`NTLM_USER_FILE`, read when the context is created and when the Authenticate message is checked.
Each simulator therefore writes its users to a private file (directory 0700, file 0600, NT/LM
hashes in smbpasswd form so any password text works) and points the variable at it only while
it creates or steps a context, under one process-wide lock (`_ENV_LOCK`); the previous value is
put back afterwards. No other hook exists in pyspnego 0.12 (the acceptor ignores `credentials=`
for NTLM and looks the user up itself in `_step_accept_authenticate`).

The security context belongs to the TCP connection (the handler instance keeps it): the
Negotiate -> Challenge -> Authenticate legs and every later request of the client travel on
the same kept-alive connection."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import shutil
import struct
import tempfile
import threading

METHODS = ("basic", "ntlm")
ENCRYPTED_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted"
ENCRYPTED_CONTENT_TYPE = f'multipart/encrypted;protocol="{ENCRYPTED_PROTOCOL}";boundary="Encrypted Boundary"'
BOUNDARY = b"--Encrypted Boundary"
ORIGINAL_TYPE = "application/soap+xml;charset=UTF-8"

_ENV = "NTLM_USER_FILE"
_ENV_LOCK = threading.Lock()


def parse_methods(value) -> frozenset:
    """'basic,ntlm' or an iterable of names -> frozenset; ValueError for an unknown or empty set."""
    if isinstance(value, str):
        value = value.split(",")
    out = frozenset(v.strip().lower() for v in value if v and v.strip())
    unknown = sorted(out - set(METHODS))
    if unknown:
        raise ValueError(f"unknown auth method(s) {', '.join(unknown)}; known: {', '.join(METHODS)}")
    if not out:
        raise ValueError("at least one auth method must be enabled")
    return out


class AuthFailed(Exception):
    """A token that cannot be parsed or does not authenticate."""


class EncryptionError(Exception):
    """An encrypted body that cannot be parsed, or whose signature does not verify."""


def _smbpasswd_line(name: str, password: str) -> str:
    from spnego._ntlm_raw.crypto import lmowfv1, ntowfv1

    lm = base64.b16encode(lmowfv1(password)).decode()
    nt = base64.b16encode(ntowfv1(password)).decode()
    return f"{name}:0:{lm}:{nt}:[U]:LCT-00000000"


class NtlmAcceptor:
    """The users of one simulated host, as pyspnego's NTLM acceptor wants them.

    A user answers to `user`, `.\\user` and `COMPUTERNAME\\user` (local account forms), case
    insensitively. Users whose name contains ':' or '\\' are not written (the file format cannot
    hold them): they can log in with Basic only."""

    def __init__(self, users: dict, computer_name: str, certfile: str | None = None):
        self.users = dict(users)
        self._dir = tempfile.mkdtemp(prefix="hvsim-ntlm-")  # mode 0700
        self.path = os.path.join(self._dir, "users")
        lines = []
        for name, password in self.users.items():
            if ":" in name or "\\" in name or "\n" in name:
                continue
            for prefix in ("", ".\\", f"{computer_name}\\"):
                lines.append(_smbpasswd_line(prefix + name, password))
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        self.channel_bindings = _channel_bindings(certfile) if certfile else None

    def close(self):
        shutil.rmtree(self._dir, ignore_errors=True)

    @contextlib.contextmanager
    def _user_file(self):
        with _ENV_LOCK:
            old = os.environ.get(_ENV)
            os.environ[_ENV] = self.path
            try:
                yield
            finally:
                if old is None:
                    os.environ.pop(_ENV, None)
                else:
                    os.environ[_ENV] = old

    def step(self, ctx, header_value: str):
        """One leg. ctx: the connection's context or None (a new one is made for a first token).
        -> (ctx, out_token bytes or None); AuthFailed when the token is bad or the user/password
        does not match."""
        import spnego
        from spnego.exceptions import SpnegoError

        try:
            token = base64.b64decode(header_value.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise AuthFailed(f"token is not base64: {exc}") from None
        if not token:
            raise AuthFailed("empty token")
        first = _is_first_token(token)
        if ctx is None or first or ctx.complete:
            if not first:
                raise AuthFailed("authentication token without a negotiation on this connection")
            ctx = None
        bindings = self.channel_bindings if self.channel_bindings and _carries_bindings(token) else None
        try:
            with self._user_file():
                if ctx is None:
                    ctx = spnego.server(
                        hostname="unspecified",
                        service="HTTP",
                        protocol="negotiate",
                        options=spnego.NegotiateOptions.use_negotiate,
                    )
                out = ctx.step(token, channel_bindings=bindings)
        except (SpnegoError, ValueError, KeyError, IndexError, struct.error, StopIteration) as exc:
            raise AuthFailed(str(exc)) from None
        return ctx, out

    def user_of(self, ctx) -> str:
        """The configured user name the completed context authenticated."""
        principal = ctx.client_principal or ""
        name = principal.rpartition("\\")[2]
        for user in self.users:
            if user.lower() == name.lower():
                return user
        return principal


def _is_first_token(token: bytes) -> bool:
    if token.startswith(b"NTLMSSP\x00"):
        return token[8:12] == b"\x01\x00\x00\x00"  # NEGOTIATE_MESSAGE
    return token[:1] == b"\x60"  # SPNEGO NegTokenInit (GSS-API InitialContextToken)


def _carries_bindings(token: bytes) -> bool:
    """True when an NTLM Authenticate message (raw or inside SPNEGO) has an MsvAvChannelBindings
    pair. WinRM's default CbtHardeningLevel=Relaxed checks bindings only when the client sent
    them; pyspnego's acceptor refuses a client without them once bindings are given, so they are
    given only to a client that sent some."""
    try:
        from spnego._ntlm_raw.messages import Authenticate, AvId, NTClientChallengeV2
        from spnego._spnego import NegTokenResp, unpack_token

        if not token.startswith(b"NTLMSSP\x00"):
            msg = unpack_token(token)
            if not isinstance(msg, NegTokenResp) or not msg.response_token:
                return False
            token = msg.response_token
        if token[8:12] != b"\x03\x00\x00\x00":
            return False
        auth = Authenticate.unpack(token)
        nt = auth.nt_challenge_response or b""
        if len(nt) <= 24:
            return False
        return AvId.channel_bindings in NTClientChallengeV2.unpack(nt[16:]).av_pairs
    except Exception:  # a malformed token is refused by the acceptor itself
        return False


def _channel_bindings(certfile: str):
    """tls-server-end-point bindings (RFC 5929) of the certificate the simulator serves."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from spnego.channel_bindings import GssChannelBindings

    with open(certfile, "rb") as fh:
        cert = x509.load_pem_x509_certificate(fh.read())
    try:
        algo = cert.signature_hash_algorithm
    except Exception:
        algo = None
    name = algo.name if algo is not None else "sha256"
    if name in ("md5", "sha1") or not isinstance(algo, hashes.HashAlgorithm):
        name = "sha256"
    digest = hashlib.new(name, cert.public_bytes(serialization.Encoding.DER)).digest()
    return GssChannelBindings(application_data=b"tls-server-end-point:" + digest)


# ---- WinRM message encryption (MS-WSMV 2.2.9.1.1) ----------------------------------------------
def is_encrypted(content_type: str | None) -> bool:
    if not content_type:
        return False
    low = content_type.lower()
    return low.split(";", 1)[0].strip() == "multipart/encrypted" and ENCRYPTED_PROTOCOL.lower() in low


def unwrap(ctx, body: bytes) -> tuple[bytes, str]:
    """multipart/encrypted body -> (plaintext, OriginalContent type). EncryptionError when the
    framing is wrong, the length does not match or the signature does not verify."""
    from spnego.exceptions import SpnegoError

    pos = 0
    out = bytearray()
    original_type = ORIGINAL_TYPE
    while True:
        pos = _expect(body, pos, BOUNDARY)
        if body.startswith(b"--", pos):
            break  # closing delimiter
        pos = _expect(body, pos, b"\r\n")
        end = body.find(BOUNDARY, pos)
        if end < 0:
            raise EncryptionError("missing second boundary")
        headers = _part_headers(body[pos:end])
        if headers.get("content-type", "").lower() != ENCRYPTED_PROTOCOL.lower():
            raise EncryptionError(f"unexpected part Content-Type {headers.get('content-type')!r}")
        original_type, length = _original_content(headers.get("originalcontent", ""))
        pos = _expect(body, end, BOUNDARY + b"\r\n")
        line_end = body.find(b"\r\n", pos)
        if line_end < 0 or body[pos:line_end].strip().lower() != b"content-type: application/octet-stream":
            raise EncryptionError("missing application/octet-stream part")
        pos = line_end + 2
        if len(body) < pos + 4:
            raise EncryptionError("truncated encrypted part")
        (sig_len,) = struct.unpack("<I", body[pos : pos + 4])
        pos += 4
        if sig_len > 1024 or len(body) < pos + sig_len + length:
            raise EncryptionError("truncated encrypted part")
        header = body[pos : pos + sig_len]
        sealed = body[pos + sig_len : pos + sig_len + length]
        pos += sig_len + length
        try:
            plain = ctx.unwrap_winrm(header, sealed)
        except SpnegoError as exc:
            raise EncryptionError(f"signature check failed: {exc}") from None
        if len(plain) != length:
            raise EncryptionError("decrypted length differs from OriginalContent Length")
        out += plain
    return bytes(out), original_type


def wrap(ctx, plaintext: bytes, content_type: str = ORIGINAL_TYPE) -> bytes:
    """Plaintext answer -> multipart/encrypted body, as WinRM (and pywinrm) frame it."""
    res = ctx.wrap_winrm(plaintext)
    return b"".join(
        [
            BOUNDARY,
            b"\r\n\tContent-Type: ",
            ENCRYPTED_PROTOCOL.encode(),
            b"\r\n\tOriginalContent: type=",
            content_type.encode(),
            b";Length=",
            str(len(plaintext)).encode(),
            b"\r\n",
            BOUNDARY,
            b"\r\n\tContent-Type: application/octet-stream\r\n",
            struct.pack("<I", len(res.header)),
            res.header,
            res.data,
            BOUNDARY,
            b"--\r\n",
        ]
    )


def _expect(body: bytes, pos: int, text: bytes) -> int:
    if not body.startswith(text, pos):
        raise EncryptionError(f"expected {text!r} at offset {pos}")
    return pos + len(text)


def _part_headers(raw: bytes) -> dict:
    out = {}
    for line in raw.split(b"\r\n"):
        name, sep, value = line.decode("latin-1").strip().partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def _original_content(value: str) -> tuple[str, int]:
    """'type=application/soap+xml;charset=UTF-8;Length=123' -> (type, 123)."""
    ctype, length = [], None
    for item in value.split(";"):
        key, sep, val = item.strip().partition("=")
        if key.lower() == "length" and sep:
            try:
                length = int(val)
            except ValueError:
                raise EncryptionError(f"bad Length {val!r}") from None
        elif key.lower() == "type" and sep:
            ctype.append(val)
        elif item.strip():
            ctype.append(item.strip())
    if length is None or length < 0:
        raise EncryptionError("OriginalContent without Length")
    return ";".join(ctype) or ORIGINAL_TYPE, length
