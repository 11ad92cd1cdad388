# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options of every module and of the inventory plugin.
    # Defaults that depend on other options (port, transport, validate_certs) are given
    # in the text, not as default:, because module_utils/uri.py decides them.
    DOCUMENTATION = r"""
options:
  uri:
    description:
      - Where the Hyper-V host is, as V(hyperv://[username@]hostname[:port]/[?transport=http|https]).
      - HTTPS on port 5986 is the default; V(?transport=http) selects HTTP on port 5985; an explicit port
        overrides either default. The WS-Management path C(/wsman) is implied.
      - IPv6 addresses go in brackets, for example V(hyperv://[fe80::1]/). A domain user is
        percent-encoded, for example V(hyperv://CORP%5Cadmin@hv01/).
      - A password in the URI is refused; use O(password).
      - Give either O(uri) or O(hostname); if both are given they must name the same host.
      - If neither O(uri) nor O(hostname) is set, the environment variable E(HYPERV_URI) is used,
        then E(HYPERV_HOSTNAME).
      - See C(docs/connection.md) in the collection for the full rules.
    type: str
  hostname:
    description:
      - The Hyper-V host name or IP address, instead of O(uri).
      - If neither O(uri) nor O(hostname) is set, the environment variable E(HYPERV_HOSTNAME) is used.
    type: str
  port:
    description:
      - The WinRM port. Defaults to V(5986) for HTTPS and V(5985) for HTTP.
    type: int
  transport:
    description:
      - V(https) (the default) or V(http). HTTP needs C(AllowUnencrypted) on the host when O(auth=basic).
    type: str
    choices: [https, http]
  username:
    description:
      - The user to log in as; for a domain account V(DOMAIN\\user) or V(user@domain).
      - Can also be given in O(uri); if both are set they must agree.
      - If not set, the environment variable E(HYPERV_USERNAME) is used.
      - Required for O(auth=basic), O(auth=ntlm) and O(auth=credssp).
    type: str
  password:
    description:
      - The password of O(username). Keep it in Ansible Vault.
      - If not set, the environment variable E(HYPERV_PASSWORD) is used.
      - Required for O(auth=basic), O(auth=ntlm) and O(auth=credssp); a missing password is reported
        before any request is sent.
    type: str
  auth:
    description:
      - How to authenticate. V(basic) needs C(Basic=true) in the WinRM service configuration.
      - V(ntlm), V(kerberos), V(credssp) and V(certificate) are passed through to pywinrm and need its
        extras (C(pywinrm[kerberos]), C(pywinrm[credssp])) where applicable.
      - V(certificate) uses O(client_cert) and O(client_key) and needs O(transport=https).
    type: str
    default: basic
    choices: [basic, ntlm, kerberos, credssp, certificate]
  validate_certs:
    description:
      - Whether to verify the host's TLS certificate. Defaults to V(true).
      - If not set, the environment variable E(HYPERV_VALIDATE_CERTS) is used; it must be one of
        V(true), V(yes), V(on), V(1) or V(false), V(no), V(off), V(0).
    type: bool
  ca_path:
    description:
      - A CA bundle file or directory used to verify the host's certificate.
    type: path
  client_cert:
    description:
      - The PEM client certificate for O(auth=certificate).
    type: path
  client_key:
    description:
      - The PEM private key of O(client_cert) for O(auth=certificate).
    type: path
  connection_timeout:
    description:
      - Seconds to wait for the TCP and TLS connection to the host.
    type: int
    default: 30
  operation_timeout:
    description:
      - Seconds the host may take for one WS-Management operation (the WS-Man C(OperationTimeout)).
    type: int
    default: 60
  namespace:
    description:
      - The Hyper-V WMI namespace. V(auto) uses V(root/virtualization/v2) (Windows Server 2012 and later)
        and falls back to V(root/virtualization) (Windows Server 2008 R2).
    type: str
    default: auto
    choices: [auto, root/virtualization/v2, root/virtualization]
requirements:
  - pywinrm >= 0.4.3 on the Ansible controller
  - lxml on the Ansible controller
notes:
  - The modules talk WS-Management to the host over the network; run them on the controller
    (for example with C(delegate_to=localhost)). Nothing is installed on the Hyper-V host and no
    PowerShell is used.
"""
