# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# ruff: noqa: E402  (DOCUMENTATION comes before the imports, as in every Ansible plugin)

from __future__ import annotations

DOCUMENTATION = r"""
name: hyperv
short_description: Hyper-V virtual machines as inventory hosts, over WS-Management
description:
  - Reads the virtual machines of one or more Microsoft Hyper-V hosts over WS-Management (WinRM),
    without PowerShell, and makes each VM an inventory host.
  - The Hyper-V hosts are queried in parallel. Each costs a constant number of WS-Management requests
    (one enumeration per class, joined on the VM GUID), whatever the number of VMs.
  - Uses a YAML configuration file whose name ends with C(hyperv.yml) or C(hyperv.yaml).
  - The connection options at the top level are defaults for every entry of O(hosts). O(uri) and
    O(hostname) at the top level name a host only when O(hosts) is empty.
  - Default groups, unless O(default_groups=false) - C(hyperv) (every VM); one group per Hyper-V host,
    C(hyperv_host_<label>) (label lower-cased, every character outside V(a-z0-9_) replaced by V(_));
    one group per power state, named after C(hyperv_state) with O(state_group_prefix) in front
    (V(running), V(off), V(saved), V(paused), and transitional states such as V(starting)).
  - Host variables (all VMs) - C(hyperv_name), C(hyperv_uuid), C(hyperv_state),
    C(hyperv_host), C(hyperv_host_computer_name), C(hyperv_uri), C(hyperv_generation), C(hyperv_cpu_count),
    C(hyperv_memory_mb), C(hyperv_notes), C(hyperv_ip_addresses), C(hyperv_guest_fqdn),
    C(hyperv_guest_os), C(hyperv_guest_os_version), C(hyperv_checkpoints); with V(devices) in O(include)
    also C(hyperv_disks), C(hyperv_dvd), C(hyperv_network_adapters). C(hyperv_uri) (never with a password)
    and C(hyperv_uuid) are what a C(wsman.hyperv) module task needs to act on the VM.
  - C(ansible_host) is set to the first guest IP address, preferring O(preferred_networks).
  - See C(docs/inventory.md) in the collection for examples, the AWX setup and the request counts.
author:
  - wsman.hyperv contributors (@wsman)
version_added: 0.1.0
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - wsman.hyperv.connection
options:
  plugin:
    description: The name of this plugin; it must be V(wsman.hyperv.hyperv) to use this configuration file.
    required: true
    type: str
    choices: [wsman.hyperv.hyperv]
  hosts:
    description:
      - The Hyper-V hosts to inventory.
      - Each entry is either a string - a URI V(hyperv://[username@]hostname[:port]/[?transport=http|https])
        or a bare host name - or a mapping with any of the connection options (O(uri), O(hostname), O(port),
        O(transport), O(username), O(password), O(auth), O(validate_certs), O(ca_path), O(client_cert),
        O(client_key), O(connection_timeout), O(operation_timeout), O(namespace)) plus C(name), the label used
        for C(hyperv_host), the per-host group and name clashes (default - the host name as written, or
        C(<host name>_<port>) for entries that share a host name). Two entries with the same label are refused.
      - Options missing from an entry are taken from the top level, then from the environment
        (E(HYPERV_USERNAME), E(HYPERV_PASSWORD), E(HYPERV_VALIDATE_CERTS)). A top-level O(port) or O(transport)
        is not applied to an entry whose URI sets its own.
      - Values may be templates, for example a password from a lookup, and passwords may be vaulted.
      - If empty, the single host of the top-level O(uri) or O(hostname) (or E(HYPERV_URI), E(HYPERV_HOSTNAME))
        is used.
    type: list
    elements: raw
    default: []
  max_workers:
    description: How many Hyper-V hosts are queried at the same time (1 or more).
    type: int
    default: 16
  strict_hosts:
    description:
      - If V(false), a Hyper-V host that cannot be reached or answers with an error gives a warning and the
        other hosts are still inventoried.
      - If V(true), any such host makes the whole inventory source fail.
    type: bool
    default: false
  include:
    description:
      - Which parts of the VM facts to read. Each part costs a fixed number of requests per Hyper-V host.
      - V(config) - generation, CPU count, memory, notes. V(guest) - IP addresses, guest FQDN and OS (running VMs).
        V(checkpoints) - the checkpoint list. V(devices) - disks, DVD drives and network adapters.
      - Host variables of parts not read are V(null) or empty lists.
    type: list
    elements: str
    choices: [config, guest, checkpoints, devices]
    default: [config, guest, checkpoints]
  filters:
    description:
      - Which VMs to include. All given filters must match.
      - C(states) and C(names) are sent to the host in the WQL query; C(notes) cannot be expressed in WQL
        and is applied on the controller.
    type: dict
    default: {}
    suboptions:
      states:
        description:
          - Power states to include - V(running), V(off), V(saved), V(paused), or a transitional state
            (V(starting), V(stopping), V(saving), V(pausing), V(resuming), V(resetting), V(other), V(unknown)).
        type: list
        elements: str
      names:
        description:
          - VM names or shell-style patterns (V(*), V(?), V([...])), compared case-insensitively as Hyper-V does.
        type: list
        elements: str
      notes:
        description:
          - A Python regular expression searched for in the VM notes (C(re.search)).
        type: str
  hostnames:
    description:
      - How to name the inventory host of a VM, in order of preference; the first that gives a value is used,
        and the VM GUID if none does.
      - V(name) - the VM name. V(uuid) - the VM GUID. V(fqdn) - the guest FQDN reported by the integration
        services (running VMs). V(ip) - the address chosen for C(ansible_host).
    type: list
    elements: str
    choices: [name, uuid, fqdn, ip]
    default: [name]
  hostname_clash:
    description:
      - What to do when several VMs get the same inventory host name (on one or on several Hyper-V hosts).
      - V(suffix_host) - every VM of the clash is named C(<name>_<label>) with the label of its Hyper-V host;
        if that still clashes (same name twice on one host), C(<name>_<label>_<uuid>).
      - V(suffix_uuid) - every VM of the clash is named C(<name>_<uuid>).
      - V(error) - the inventory source fails.
      - The rule does not depend on the order of answers, so a name is the same from run to run.
    type: str
    choices: [suffix_host, suffix_uuid, error]
    default: suffix_host
  preferred_networks:
    description:
      - Networks in CIDR notation (IPv4 or IPv6). C(ansible_host) is the first guest address inside the first
        of these networks that holds one.
      - Failing that (or if empty), the first guest address that is not link-local, then the first address.
      - A VM without guest addresses gets no C(ansible_host).
    type: list
    elements: str
    default: []
  default_groups:
    description: Whether to create the C(hyperv), C(hyperv_host_<label>) and power-state groups.
    type: bool
    default: true
  state_group_prefix:
    description: Text in front of the power-state group names, for example V(state_) for C(state_running).
    type: str
    default: ''
notes:
  - The cache (O(cache)) holds the VM facts and the password-free URI of every host; never a password.
  - A cached run sends no request. Hosts that are in the configuration but not in the cache (added later, or
    unreachable when the cache was filled) are queried and added to the cache.
"""

EXAMPLES = r"""
# demo/inventory.hyperv.yml - two hosts, the password from the environment (HYPERV_PASSWORD)
plugin: wsman.hyperv.hyperv
username: admin
validate_certs: false
hosts:
  - hyperv://hv01.example.com/
  - uri: hyperv://hv02.example.com:5985/?transport=http
    username: CORP\svc-ansible
    password: "{{ lookup('ansible.builtin.env', 'HV02_PASSWORD') }}"
    name: hv02

# Another file (commented out here: one inventory file holds one configuration):
# only running web servers, reached on the 10.0.0.0/8 address, named by FQDN when it is known
# plugin: wsman.hyperv.hyperv
# hosts: [hyperv://admin@hv01/]
# password: !vault |
#   $ANSIBLE_VAULT;1.1;AES256
#   ...
# filters:
#   states: [running]
#   names: ['web*']
#   notes: 'role=web'
# hostnames: [fqdn, name]
# preferred_networks: [10.0.0.0/8]
# compose:
#   ansible_connection: "'winrm' if (hyperv_guest_os or '') is search('Windows') else 'ssh'"
# keyed_groups:
#   - key: hyperv_generation | string
#     prefix: gen
# groups:
#   big: hyperv_memory_mb >= 8192
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/ansible-hyperv
"""

import fnmatch
import hashlib
import ipaddress
import json
import os
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.wsman.hyperv.plugins.module_utils.errors import HypervError, OptionError, scrub
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import connection_spec_from_params

try:
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import HypervConnection
    from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.facts import gather_vms, split_names

    HAS_DRIVER = True
    DRIVER_IMPORT_ERROR = None
except ImportError as exc:  # pywinrm / lxml missing on the controller
    HypervConnection = gather_vms = split_names = None
    HAS_DRIVER = False
    DRIVER_IMPORT_ERROR = exc

CONNECTION_KEYS = (
    "uri",
    "hostname",
    "port",
    "transport",
    "username",
    "password",
    "auth",
    "validate_certs",
    "ca_path",
    "client_cert",
    "client_key",
    "connection_timeout",
    "operation_timeout",
    "namespace",
)
HOST_ENTRY_KEYS = CONNECTION_KEYS + ("name",)
# Options that say *which* host (and how to reach its port) are never copied from the top level into an entry
# that has its own URI setting them; see merge_host_entry.
IDENTITY_KEYS = ("uri", "hostname")
HOSTNAME_CHOICES = ("name", "uuid", "fqdn", "ip")
CLASH_RULES = ("suffix_host", "suffix_uuid", "error")
VM_STATES = (
    "running",
    "off",
    "saved",
    "paused",
    "starting",
    "stopping",
    "saving",
    "pausing",
    "resuming",
    "resetting",
    "other",
    "unknown",
)
INCLUDE_CHOICES = ("config", "guest", "checkpoints", "devices")
CACHE_FORMAT = 1
_UNSAFE_GROUP_CHARS = re.compile(r"[^a-z0-9_]")
# facts keys copied into the cache (everything the host variables are built from; no connection data)
VM_KEYS = (
    "name",
    "uuid",
    "state",
    "generation",
    "cpu_count",
    "memory_mb",
    "notes",
    "ip_addresses",
    "guest",
    "checkpoints",
    "disks",
    "dvd",
    "network_adapters",
    "host",
)


# ---------------------------------------------------------------------------------------------------------
# Pure logic (unit-tested directly)
# ---------------------------------------------------------------------------------------------------------


def safe_group_name(text):
    """Lower-case ``text`` and replace everything outside ``[a-z0-9_]`` by ``_`` (always a valid group name)."""
    name = _UNSAFE_GROUP_CHARS.sub("_", str(text).lower())
    if not name or name[0].isdigit():
        name = "_" + name
    return name


def parse_networks(values):
    """CIDR strings -> list of ip_network; raises OptionError naming the bad entry."""
    networks = []
    for value in values or ():
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise OptionError(
                "preferred_networks: '%s' is not a network in CIDR notation (for example 10.0.0.0/8 or fd00::/8)"
                % value
            ) from None
    return networks


def choose_address(addresses, networks=()):
    """The address for ``ansible_host``: the first address inside the first network (in ``networks`` order)
    that holds one; else the first address that is not link-local; else the first address; else None."""
    parsed = []
    for text in addresses or ():
        try:
            parsed.append((str(text), ipaddress.ip_address(str(text).split("%", 1)[0])))
        except ValueError:
            continue
    if not parsed:
        return None
    for network in networks:
        for text, address in parsed:
            if address.version == network.version and address in network:
                return text
    for text, address in parsed:
        if not (address.is_link_local or address.is_loopback or address.is_unspecified):
            return text
    return parsed[0][0]


def pick_hostname(preferences, vm, address):
    """The first of ``preferences`` (name, uuid, fqdn, ip) that gives a value; the uuid if none does."""
    for choice in preferences:
        if choice == "name":
            value = vm.get("name")
        elif choice == "uuid":
            value = vm.get("uuid")
        elif choice == "fqdn":
            value = (vm.get("guest") or {}).get("fqdn")
        elif choice == "ip":
            value = address
        else:
            raise OptionError("hostnames: unknown choice '%s'; allowed: %s" % (choice, ", ".join(HOSTNAME_CHOICES)))
        if value is not None and str(value).strip():
            return str(value).strip()
    return str(vm.get("uuid"))


def assign_hostnames(candidates, rule="suffix_host"):
    """Make inventory host names unique.

    ``candidates``: list of (base_name, host_label, uuid). Returns the list of final names, same order.
    Only names used more than once are changed, by ``rule`` (see the ``hostname_clash`` option); the result
    depends on the set of candidates only, not on their order.
    """
    if rule not in CLASH_RULES:
        raise OptionError("hostname_clash: '%s' is not allowed; choose one of %s" % (rule, ", ".join(CLASH_RULES)))
    counts = Counter(base for base, _label, _uuid in candidates)
    clashing = {base for base, count in counts.items() if count > 1}
    if clashing and rule == "error":
        detail = []
        for base in sorted(clashing):
            where = sorted("%s (%s)" % (label, uuid) for b, label, uuid in candidates if b == base)
            detail.append("'%s' on %s" % (base, ", ".join(where)))
        raise OptionError(
            "hostname_clash=error: several VMs would get the same inventory host name: %s; "
            "use hostname_clash=suffix_host or suffix_uuid, or hostnames: [uuid]" % "; ".join(detail)
        )
    names = []
    for base, label, uuid in candidates:
        if base not in clashing:
            names.append(base)
        elif rule == "suffix_uuid":
            names.append("%s_%s" % (base, uuid))
        else:
            names.append("%s_%s" % (base, label))
    if rule == "suffix_host":
        # still clashing: the same name twice on one host, or a suffixed name that another VM has as its own
        counts = Counter(names)
        names = [
            "%s_%s" % (name, uuid) if counts[name] > 1 and base in clashing else name
            for name, (base, _label, uuid) in zip(names, candidates, strict=True)
        ]
    # last guards, for what the rules above cannot separate (a replica: same name and GUID on two hosts;
    # a VM really named like another's suffixed name): the label, then a counter in (label, GUID) order
    counts = Counter(names)
    if any(count > 1 for count in counts.values()):
        names = [
            "%s_%s" % (name, label) if counts[name] > 1 and not name.endswith("_" + str(label)) else name
            for name, (_b, label, _u) in zip(names, candidates, strict=True)
        ]
    counts = Counter(names)
    if any(count > 1 for count in counts.values()):
        order = sorted(range(len(names)), key=lambda i: (names[i], str(candidates[i][1]), str(candidates[i][2]), i))
        seen = Counter()
        for i in order:
            name = names[i]
            if counts[name] > 1:
                seen[name] += 1
                if seen[name] > 1:
                    names[i] = "%s_%d" % (name, seen[name])
    return names


def _require_driver():
    if not HAS_DRIVER:
        raise AnsibleError(
            "the wsman.hyperv.hyperv inventory needs pywinrm and lxml on the controller: %s" % DRIVER_IMPORT_ERROR
        )


def split_filters(filters):
    """Split the ``filters`` option into gather_vms keyword arguments (pushed into WQL) and the part that is
    applied on the controller. Returns (gather_kwargs, client_filters) where client_filters is a dict with
    optional ``notes`` (compiled regex)."""
    filters = dict(filters or {})
    unknown = sorted(set(filters) - {"states", "names", "notes"})
    if unknown:
        raise OptionError("filters: unknown key(s) %s; allowed: states, names, notes" % ", ".join(unknown))
    kwargs = {}
    client = {}
    states = filters.get("states")
    if states:
        if isinstance(states, str):
            states = [states]
        wanted = sorted({str(s).strip().lower() for s in states})
        unknown = [s for s in wanted if s not in VM_STATES]
        if unknown:
            raise OptionError(
                "filters.states: unknown state(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(VM_STATES))
            )
        kwargs["states"] = wanted
    names = filters.get("names")
    if names:
        if isinstance(names, str):
            names = [names]
        _require_driver()
        exact, globs = split_names([str(n) for n in names])
        if globs:
            kwargs["name_globs"] = globs
        else:
            kwargs["names"] = exact
    notes = filters.get("notes")
    if notes is not None and str(notes) != "":
        try:
            client["notes"] = re.compile(str(notes))
        except re.error as exc:
            raise OptionError("filters.notes: '%s' is not a valid regular expression: %s" % (notes, exc)) from None
    return kwargs, client


def vm_matches(vm, gather_kwargs, client_filters):
    """True if ``vm`` passes every filter. The WQL part is checked again here, so the result is right even if a
    host (or an older Hyper-V layer) could not apply it in the query."""
    states = gather_kwargs.get("states")
    if states and str(vm.get("state") or "").lower() not in states:
        return False
    name = str(vm.get("name") or "").lower()
    if gather_kwargs.get("names") and name not in {n.lower() for n in gather_kwargs["names"]}:
        return False
    globs = gather_kwargs.get("name_globs")
    if globs and not any(fnmatch.fnmatchcase(name, g.lower()) for g in globs):
        return False
    notes_re = client_filters.get("notes")
    return not (notes_re is not None and not notes_re.search(vm.get("notes") or ""))


def _uri_sets(uri, what):
    """Whether a URI string sets its own port / transport / user (then a top-level default is not merged in)."""
    text = str(uri)
    if "://" not in text:
        return False
    try:
        parts = urlsplit(text)
        if what == "port":
            return parts.port is not None
        if what == "username":
            return bool(parts.username)
        return "transport" in parse_qs(parts.query)
    except ValueError:
        return True  # malformed: leave it to the URI parser to explain


def merge_host_entry(entry, defaults):
    """One ``hosts`` entry (string or mapping) + the top-level defaults -> (label or None, params)."""
    if isinstance(entry, str):
        entry = {"uri": entry} if "://" in entry else {"hostname": entry}
    if not isinstance(entry, dict):
        raise OptionError(
            "hosts: each entry must be a URI string or a mapping of connection options, got %s" % type(entry).__name__
        )
    unknown = sorted(set(entry) - set(HOST_ENTRY_KEYS))
    if unknown:
        raise OptionError(
            "hosts: unknown key(s) %s in an entry; allowed: %s" % (", ".join(unknown), ", ".join(HOST_ENTRY_KEYS))
        )
    params = {}
    for key in CONNECTION_KEYS:
        if key in IDENTITY_KEYS:
            continue
        if defaults.get(key) is not None:
            if key in ("port", "transport") and entry.get("uri") is not None and _uri_sets(entry["uri"], key):
                continue
            params[key] = defaults[key]
    if entry.get("uri") is not None and _uri_sets(entry["uri"], "username"):
        params.pop("username", None)  # the URI names its own user
    for key in CONNECTION_KEYS:
        if entry.get(key) is not None:
            params[key] = entry[key]
    label = entry.get("name")
    return (str(label) if label not in (None, "") else None), params


def vm_hostvars(vm, label, uri_display, address, include):
    """The host variables of one VM (see DOCUMENTATION)."""
    guest = vm.get("guest") or {}
    hostvars = {
        "hyperv_name": vm.get("name"),
        "hyperv_uuid": vm.get("uuid"),
        "hyperv_state": vm.get("state"),
        "hyperv_host": label,
        "hyperv_host_computer_name": vm.get("host"),
        "hyperv_uri": uri_display,
        "hyperv_generation": vm.get("generation"),
        "hyperv_cpu_count": vm.get("cpu_count"),
        "hyperv_memory_mb": vm.get("memory_mb"),
        "hyperv_notes": vm.get("notes"),
        "hyperv_ip_addresses": list(vm.get("ip_addresses") or []),
        "hyperv_guest_fqdn": guest.get("fqdn"),
        "hyperv_guest_os": guest.get("os_name"),
        "hyperv_guest_os_version": guest.get("os_version"),
        "hyperv_checkpoints": list(vm.get("checkpoints") or []),
    }
    if "devices" in include:
        hostvars["hyperv_disks"] = list(vm.get("disks") or [])
        hostvars["hyperv_dvd"] = list(vm.get("dvd") or [])
        hostvars["hyperv_network_adapters"] = list(vm.get("network_adapters") or [])
    if address:
        hostvars["ansible_host"] = address
    return hostvars


def slim_vm(vm):
    """The part of a facts dict the inventory keeps (and caches)."""
    return {key: vm.get(key) for key in VM_KEYS}


def fetch_vms(spec, gather_kwargs, include):
    """Query one Hyper-V host: one connection, one gather_vms call. Returns (vms, round_trips)."""
    _require_driver()
    conn = HypervConnection.open(spec)  # its instances keep no XML (WSManClient keep_raw_xml=False)
    try:
        vms = gather_vms(conn, include=tuple(include), **gather_kwargs)
        trips = conn.round_trips
    finally:
        conn.close()
    return vms, trips


# ---------------------------------------------------------------------------------------------------------
# The plugin
# ---------------------------------------------------------------------------------------------------------


class _Target:
    """One Hyper-V host to query: its label, its ConnectionSpec (holds the password: never cached or shown)."""

    __slots__ = ("index", "label", "spec")

    def __init__(self, index, label, spec):
        self.index = index
        self.label = label
        self.spec = spec

    @property
    def display(self):
        return self.spec.display


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "wsman.hyperv.hyperv"

    # replaced by tests with a fake; signature (spec, gather_kwargs, include) -> (vms, round_trips)
    fetch = staticmethod(fetch_vms)

    def __init__(self):
        super().__init__()
        self.stats = {}

    def verify_file(self, path):
        if super().verify_file(path):
            return path.endswith(("hyperv.yml", "hyperv.yaml"))
        return False

    # -- options -----------------------------------------------------------------------------------------

    def _template(self, value):
        """Render a template in a host option (a password from a lookup, for example) and decrypt vaulted
        text; numbers and booleans pass through."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        self.templar.available_variables = self._vars or {}
        return self.templar.template(value)

    def _targets(self):
        defaults = {}
        for key in CONNECTION_KEYS:
            try:
                defaults[key] = self._template(self.get_option(key))
            except KeyError:
                defaults[key] = None
        entries = self.get_option("hosts") or []
        if not isinstance(entries, list):
            raise OptionError("hosts: must be a list of URIs or mappings")
        if entries and any(defaults.get(key) is not None for key in IDENTITY_KEYS):
            self.display.warning(
                "wsman.hyperv.hyperv: the top-level 'uri'/'hostname' is ignored because 'hosts' is set; "
                "add that host to 'hosts'"
            )
        if not entries:
            entries = [{key: defaults[key] for key in IDENTITY_KEYS if defaults.get(key) is not None}]
        targets = []
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                entry = {key: self._template(value) for key, value in entry.items()}
            else:
                entry = self._template(entry)
            label, params = merge_host_entry(entry, defaults)
            try:
                spec = connection_spec_from_params(params, os.environ)
            except OptionError as exc:
                raise OptionError("hosts[%d]: %s" % (index, exc)) from None
            targets.append(_Target(index, label, spec))
        # default label: the host name; entries that share it (same host, other ports) get "<host>_<port>"
        hostnames = Counter(t.spec.hostname.lower() for t in targets if t.label is None)
        for target in targets:
            if target.label is None:
                host = target.spec.hostname
                target.label = "%s_%d" % (host, target.spec.port) if hostnames[host.lower()] > 1 else host
        labels = Counter(t.label.lower() for t in targets)
        dupes = sorted(label for label, count in labels.items() if count > 1)
        if dupes:
            raise OptionError(
                "hosts: the label(s) %s are used by more than one entry; give the entries distinct 'name' values"
                % ", ".join(dupes)
            )
        return targets

    def _include(self):
        include = [str(i).lower() for i in (self.get_option("include") or [])]
        bad = sorted(set(include) - set(INCLUDE_CHOICES))
        if bad:
            raise OptionError("include: unknown part(s) %s; allowed: %s" % (", ".join(bad), ", ".join(INCLUDE_CHOICES)))
        return [part for part in INCLUDE_CHOICES if part in include]

    def _max_workers(self):
        workers = self.get_option("max_workers")
        if workers is None or workers < 1:
            raise OptionError("max_workers: must be 1 or more (got %s)" % workers)
        return workers

    @staticmethod
    def _fingerprint(gather_kwargs, include):
        """What the cached facts depend on (never a password)."""
        data = {
            "format": CACHE_FORMAT,
            "filters": gather_kwargs,
            "include": include,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    # -- querying ----------------------------------------------------------------------------------------

    def _query(self, targets, gather_kwargs, include):
        """Query targets in parallel. Returns ({label: host_record}, [(target, message)])."""
        results, failures = {}, []
        if not targets:
            return results, failures
        workers = min(self._max_workers(), len(targets))
        secrets = [t.spec.password for t in targets if t.spec.password]

        def one(target):
            start, cpu = time.monotonic(), time.thread_time()
            vms, trips = self.fetch(target.spec, dict(gather_kwargs), include)
            # slimmed in the worker: the full facts are freed here, not kept by the Future until the end
            slim = [slim_vm(vm) for vm in vms]
            return slim, trips, time.monotonic() - start, time.thread_time() - cpu

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hyperv-inventory") as pool:
            futures = [(t, pool.submit(one, t)) for t in targets]
            for target, future in futures:
                try:
                    vms, trips, seconds, cpu = future.result()
                except (HypervError, AnsibleError, OSError) as exc:
                    failures.append((target, scrub(to_native(exc), *secrets)))
                    continue
                except Exception as exc:  # a driver bug must not hide the other hosts
                    failures.append((target, scrub("%s: %s" % (type(exc).__name__, to_native(exc)), *secrets)))
                    continue
                results[target.label] = {
                    "label": target.label,
                    "uri": target.display,
                    "vms": vms,
                }
                self.stats[target.label] = {
                    "round_trips": trips,
                    "seconds": round(seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                    "vms": len(vms),
                }
                self.display.vvv(
                    "wsman.hyperv.hyperv: %s: %d VMs in %.2fs, %s requests"
                    % (target.display, len(vms), seconds, "?" if trips is None else trips)
                )
        return results, failures

    # -- populating --------------------------------------------------------------------------------------

    def _populate(self, targets, records, gather_kwargs, client_filters, include):
        networks = parse_networks(self.get_option("preferred_networks"))
        preferences = [str(p).lower() for p in (self.get_option("hostnames") or ["name"])]
        bad = sorted(set(preferences) - set(HOSTNAME_CHOICES))
        if bad:
            raise OptionError(
                "hostnames: unknown choice(s) %s; allowed: %s" % (", ".join(bad), ", ".join(HOSTNAME_CHOICES))
            )
        rule = self.get_option("hostname_clash")
        default_groups = self.get_option("default_groups")
        state_prefix = self.get_option("state_group_prefix") or ""
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")

        rows = []  # (sort key, label, uri, vm, address, base name)
        for target in targets:
            record = records.get(target.label)
            if record is None:
                continue
            for vm in record["vms"]:
                if not vm_matches(vm, gather_kwargs, client_filters):
                    continue
                address = choose_address(vm.get("ip_addresses"), networks)
                base = pick_hostname(preferences, vm, address)
                rows.append(
                    (
                        (target.index, str(vm.get("name") or "").lower(), str(vm.get("uuid"))),
                        target.label,
                        record["uri"],
                        vm,
                        address,
                        base,
                    )
                )
        rows.sort(key=lambda row: row[0])
        names = assign_hostnames([(row[5], row[1], row[3].get("uuid")) for row in rows], rule)

        if default_groups:
            self.inventory.add_group("hyperv")
            for target in targets:
                if target.label in records:
                    self.inventory.add_group("hyperv_host_" + safe_group_name(target.label).lstrip("_"))

        for name, (_key, label, uri, vm, address, _base) in zip(names, rows, strict=True):
            hostvars = vm_hostvars(vm, label, uri, address, include)
            self.inventory.add_host(name)
            for var, value in hostvars.items():
                self.inventory.set_variable(name, var, value)
            if default_groups:
                self.inventory.add_child("hyperv", name)
                self.inventory.add_child("hyperv_host_" + safe_group_name(label).lstrip("_"), name)
                state = vm.get("state")
                if state:
                    group = self.inventory.add_group(safe_group_name(state_prefix + str(state)))
                    self.inventory.add_child(group, name)
            if compose or groups or keyed_groups:
                host_vars = self.inventory.get_host(name).get_vars()
                self._set_composite_vars(compose, host_vars, name, strict=strict)
                self._add_host_to_composed_groups(groups, host_vars, name, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, host_vars, name, strict=strict)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        try:
            self._parse(path, cache)
        except OptionError as exc:
            raise AnsibleParserError("wsman.hyperv.hyperv inventory %s: %s" % (path, to_native(exc))) from None

    def _parse(self, path, cache):
        targets = self._targets()
        gather_kwargs, client_filters = split_filters(self.get_option("filters"))
        include = self._include()
        self._max_workers()  # a bad value is an error even when every host comes from the cache
        fingerprint = self._fingerprint(gather_kwargs, include)

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache")
        records = {}
        if use_cache and cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and cached.get("fingerprint") == fingerprint:
                wanted = {t.label: t.display for t in targets}
                for record in cached.get("hosts") or []:
                    if wanted.get(record.get("label")) == record.get("uri"):
                        records[record["label"]] = record

        missing = [t for t in targets if t.label not in records]
        fetched, failures = self._query(missing, gather_kwargs, include)
        records.update(fetched)

        if failures:
            lines = ["%s (%s): %s" % (t.label, t.display, message) for t, message in failures]
            if self.get_option("strict_hosts"):
                raise AnsibleError(
                    "wsman.hyperv.hyperv: %d of %d Hyper-V host(s) failed (strict_hosts=true): %s"
                    % (len(failures), len(targets), "; ".join(lines))
                )
            for line in lines:
                self.display.warning("wsman.hyperv.hyperv: skipped Hyper-V host %s" % line)

        if use_cache and fetched:
            self._cache[cache_key] = {
                "format": CACHE_FORMAT,
                "fingerprint": fingerprint,
                "hosts": [records[t.label] for t in targets if t.label in records],
            }

        self._populate(targets, records, gather_kwargs, client_filters, include)
