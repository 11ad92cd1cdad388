"""Unit tests of the wsman.hyperv.hyperv inventory plugin: its pure logic, and parse() with a fake
fetch function in place of the WS-Man driver (no network)."""

from __future__ import annotations

import glob
import ipaddress
import json
import os
import random
import threading
import time

import pytest
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader

from ansible_collections.wsman.hyperv.plugins.inventory import hyperv as inv
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import OptionError, UnreachableError

PASSWORD = "S3cr3t-pa55!"
OTHER_PASSWORD = "0ther-Pa55#"


def vm(name, uuid, state="running", ips=(), fqdn=None, notes="", host="HV", **extra):
    data = {
        "name": name,
        "uuid": uuid,
        "state": state,
        "state_code": {"running": 2, "off": 3, "saved": 6, "paused": 9}.get(state, 1),
        "generation": 2,
        "cpu_count": 2,
        "memory_mb": 2048,
        "uptime_seconds": 10,
        "notes": notes,
        "ip_addresses": list(ips),
        "guest": {"fqdn": fqdn, "os_name": "Windows Server 2022" if fqdn else None, "os_version": None},
        "checkpoints": [],
        "disks": [{"path": "C:\\vm.vhdx"}],
        "dvd": [],
        "network_adapters": [],
        "host": host,
    }
    data.update(extra)
    return data


# ---------------------------------------------------------------------------------------------------------
# pure logic
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addresses, networks, expected",
    [
        (["10.1.2.3", "192.168.1.5"], [], "10.1.2.3"),
        (["10.1.2.3", "192.168.1.5"], ["192.168.0.0/16"], "192.168.1.5"),
        # network order wins over address order
        (["10.1.2.3", "192.168.1.5"], ["192.168.0.0/16", "10.0.0.0/8"], "192.168.1.5"),
        (["10.1.2.3", "192.168.1.5"], ["10.0.0.0/8", "192.168.0.0/16"], "10.1.2.3"),
        # no match: the first address that is not link-local
        (["169.254.0.7", "fe80::1", "172.16.0.9"], ["10.0.0.0/8"], "172.16.0.9"),
        (["fe80::1%4", "2001:db8::5"], ["2001:db8::/32"], "2001:db8::5"),
        (["fe80::1"], [], "fe80::1"),
        (["not-an-ip", "10.0.0.1"], [], "10.0.0.1"),
        ([], ["10.0.0.0/8"], None),
        (None, [], None),
    ],
)
def test_choose_address(addresses, networks, expected):
    assert inv.choose_address(addresses, inv.parse_networks(networks)) == expected


def test_parse_networks_rejects_bad_cidr():
    assert inv.parse_networks(["10.0.0.1/8"]) == [ipaddress.ip_network("10.0.0.0/8")]
    with pytest.raises(OptionError, match="preferred_networks: '10.0.0.0/33'"):
        inv.parse_networks(["10.0.0.0/33"])


@pytest.mark.parametrize(
    "prefs, expected",
    [
        (["name"], "web1"),
        (["fqdn", "name"], "web1.corp.example"),
        (["uuid", "name"], "UUID-1"),
        (["ip", "name"], "10.0.0.5"),
    ],
)
def test_pick_hostname(prefs, expected):
    data = vm("web1", "UUID-1", fqdn="web1.corp.example")
    assert inv.pick_hostname(prefs, data, "10.0.0.5") == expected


def test_pick_hostname_falls_through_and_back_to_uuid():
    data = vm("", "UUID-2", state="off")
    assert inv.pick_hostname(["fqdn", "ip", "name"], data, None) == "UUID-2"
    assert inv.pick_hostname(["fqdn", "name"], vm("db", "U3", state="off"), None) == "db"


def test_assign_hostnames_no_clash_keeps_names():
    cands = [("a", "hv1", "U1"), ("b", "hv2", "U2")]
    assert inv.assign_hostnames(cands) == ["a", "b"]


def test_assign_hostnames_suffix_host_across_hosts_and_within_one():
    cands = [
        ("web", "hv1", "U1"),
        ("web", "hv2", "U2"),
        ("db", "hv1", "U3"),
        ("db", "hv1", "U4"),  # same name twice on one host
        ("app", "hv1", "U5"),
    ]
    assert inv.assign_hostnames(cands, "suffix_host") == ["web_hv1", "web_hv2", "db_hv1_U3", "db_hv1_U4", "app"]


def test_assign_hostnames_suffix_does_not_collide_with_an_existing_name():
    # a VM is really called "web_hv1": the suffixed clash must not take its name
    cands = [("web", "hv1", "U1"), ("web", "hv2", "U2"), ("web_hv1", "hv3", "U9")]
    names = inv.assign_hostnames(cands, "suffix_host")
    assert names == ["web_hv1_U1", "web_hv2", "web_hv1"]
    assert len(set(names)) == 3


def test_assign_hostnames_is_order_independent():
    cands = [("web", "hv%d" % (i % 3), "U%d" % i) for i in range(9)] + [("x", "hv1", "X1")]
    expected = dict(zip(cands, inv.assign_hostnames(cands), strict=True))
    rng = random.Random(4)
    for _index in range(5):
        shuffled = cands[:]
        rng.shuffle(shuffled)
        assert dict(zip(shuffled, inv.assign_hostnames(shuffled), strict=True)) == expected
    assert len(set(expected.values())) == len(cands)


@pytest.mark.parametrize("rule", ["suffix_host", "suffix_uuid"])
def test_assign_hostnames_replica_same_name_and_guid_on_two_hosts(rule):
    cands = [("web", "hv1", "U1"), ("web", "hv2", "U1"), ("web", "hv2", "U1"), ("db", "hv1", "U2")]
    names = inv.assign_hostnames(cands, rule)
    assert len(set(names)) == len(names), names
    assert names[3] == "db"
    rev = inv.assign_hostnames(cands[::-1], rule)
    assert sorted(rev) == sorted(names)


def test_assign_hostnames_suffix_uuid_and_error():
    cands = [("web", "hv1", "U1"), ("web", "hv2", "U2"), ("db", "hv1", "U3")]
    assert inv.assign_hostnames(cands, "suffix_uuid") == ["web_U1", "web_U2", "db"]
    with pytest.raises(OptionError, match=r"'web' on hv1 \(U1\), hv2 \(U2\)"):
        inv.assign_hostnames(cands, "error")
    assert inv.assign_hostnames([("a", "hv1", "U1")], "error") == ["a"]
    with pytest.raises(OptionError, match="hostname_clash"):
        inv.assign_hostnames(cands, "first")


def test_split_filters_pushes_states_and_exact_names_into_wql():
    kwargs, client = inv.split_filters({"states": ["Running", "off"], "names": ["web1", "db1"]})
    assert kwargs == {"states": ["off", "running"], "names": ["web1", "db1"]}
    assert client == {}


def test_split_filters_globs_and_notes():
    kwargs, client = inv.split_filters({"names": ["web*", "db1"], "notes": r"role=(web|db)"})
    assert kwargs == {"name_globs": ["web*", "db1"]}
    assert client["notes"].search("x role=db y")
    assert not client["notes"].search("role=cache")


def test_split_filters_empty_and_errors():
    assert inv.split_filters({}) == ({}, {})
    assert inv.split_filters(None) == ({}, {})
    with pytest.raises(OptionError, match="unknown key"):
        inv.split_filters({"state": ["running"]})
    with pytest.raises(OptionError, match="filters.states: unknown state.*runing"):
        inv.split_filters({"states": ["runing"]})
    with pytest.raises(OptionError, match="filters.notes"):
        inv.split_filters({"notes": "("})


def test_vm_matches_applies_every_filter():
    kwargs, client = inv.split_filters({"states": ["running"], "names": ["WEB*"], "notes": "^prod"})
    assert inv.vm_matches(vm("web1", "U1", notes="prod web"), kwargs, client)
    assert not inv.vm_matches(vm("web1", "U1", state="off", notes="prod"), kwargs, client)
    assert not inv.vm_matches(vm("db1", "U1", notes="prod"), kwargs, client)
    assert not inv.vm_matches(vm("web1", "U1", notes="test"), kwargs, client)
    kwargs, client = inv.split_filters({"names": ["Web1"]})
    assert inv.vm_matches(vm("WEB1", "U1"), kwargs, client)  # Hyper-V compares names case-insensitively
    assert not inv.vm_matches(vm("web10", "U1"), kwargs, client)


class FakeClient:
    """The part of a WSManClient that HypervConnection.round_trips / close use."""

    def __init__(self):
        self.round_trips = 0
        self.closed = False

    def close(self):
        self.closed = True


@pytest.mark.parametrize("fail", [False, True])
def test_fetch_vms_counts_the_connection_round_trips_and_closes(monkeypatch, fail):
    client = FakeClient()
    conn = inv.HypervConnection(client)

    def gather(c, include, **kwargs):
        assert c is conn and include == ("config",) and kwargs == {"names": ["a"]}
        client.round_trips = 5
        if fail:
            raise UnreachableError("down", host="hv1", port=5985, transport="http", reason="refused")
        return [vm("a", "U1")]

    monkeypatch.setattr(inv.HypervConnection, "open", classmethod(lambda cls, spec: conn))
    monkeypatch.setattr(inv, "gather_vms", gather)
    if fail:
        with pytest.raises(UnreachableError):
            inv.fetch_vms("spec", {"names": ["a"]}, ["config"])
    else:
        vms, trips = inv.fetch_vms("spec", {"names": ["a"]}, ["config"])
        assert [v["name"] for v in vms] == ["a"] and trips == 5
    assert client.closed


def test_merge_host_entry():
    defaults = {"username": "admin", "password": PASSWORD, "transport": "http", "port": 5985, "auth": "basic"}
    label, params = inv.merge_host_entry("hyperv://hv1/", defaults)
    assert label is None
    assert params["uri"] == "hyperv://hv1/" and params["transport"] == "http" and params["port"] == 5985
    # the URI sets its own transport, port and user: the top-level ones are not merged in
    _label, params = inv.merge_host_entry("hyperv://bob@hv1:5986/?transport=https", defaults)
    assert "transport" not in params and "port" not in params and "username" not in params
    _label, params = inv.merge_host_entry("hv2.example.com", defaults)
    assert params["hostname"] == "hv2.example.com"
    label, params = inv.merge_host_entry({"hostname": "hv3", "password": OTHER_PASSWORD, "name": "third"}, defaults)
    assert label == "third" and params["password"] == OTHER_PASSWORD and params["username"] == "admin"
    with pytest.raises(OptionError, match="unknown key"):
        inv.merge_host_entry({"uri": "hyperv://hv1/", "pasword": "x"}, defaults)
    with pytest.raises(OptionError, match="URI string or a mapping"):
        inv.merge_host_entry(5, defaults)


def test_safe_group_name():
    assert inv.safe_group_name("HV01.Example.com") == "hv01_example_com"
    assert inv.safe_group_name("10.0.0.1") == "_10_0_0_1"
    assert inv.safe_group_name("fe80::1") == "fe80__1"


# ---------------------------------------------------------------------------------------------------------
# parse() with a fake fetch
# ---------------------------------------------------------------------------------------------------------


class FakeHosts:
    """Stands in for the driver: one VM list per host name; records every call."""

    def __init__(self, hosts, delay=0.0, fail=()):
        self.hosts = hosts
        self.delay = delay
        self.fail = dict(fail)
        self.calls = []
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def __call__(self, spec, gather_kwargs, include):
        with self.lock:
            self.calls.append((spec, dict(gather_kwargs), tuple(include)))
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if self.delay:
                time.sleep(self.delay)
            if spec.hostname in self.fail:
                raise self.fail[spec.hostname]
            return [dict(v) for v in self.hosts[spec.hostname]], 3
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("HYPERV_"):
            monkeypatch.delenv(name)


@pytest.fixture
def run(inventory_loader, tmp_path):
    """run(config_text, fake, cache=True, loader=None) -> (InventoryData, plugin)"""

    def _run(config, fake, cache=True, loader=None, name="test.hyperv.yml"):
        path = tmp_path / name
        path.write_text(config)
        plugin = inventory_loader.get("wsman.hyperv.hyperv")
        plugin.fetch = fake
        data = InventoryData()
        plugin.parse(data, loader or DataLoader(), str(path), cache=cache)
        if plugin.get_option("cache"):
            plugin.update_cache_if_changed()  # what InventoryManager does after parse
        return data, plugin

    return _run


def two_hosts():
    return {
        "hv1": [
            vm("web1", "U-1", ips=["fe80::5", "10.0.0.11", "192.168.7.11"], fqdn="web1.corp", notes="role=web"),
            vm("db1", "U-2", state="off", notes="role=db"),
            vm("shared", "U-3", state="saved"),
        ],
        "hv2": [
            vm("web2", "U-4", ips=["192.168.7.12"], notes="role=web", host="HV2"),
            vm("shared", "U-5", state="paused", host="HV2"),
        ],
    }


BASE = (
    """plugin: wsman.hyperv.hyperv
username: admin
password: %s
transport: http
hosts:
  - hyperv://hv1/
  - hv2
"""
    % PASSWORD
)


def groups_of(data, host):
    return sorted(g.name for g in data.hosts[host].get_groups() if g.name != "all")


def test_verify_file(inventory_loader, tmp_path):
    plugin = inventory_loader.get("wsman.hyperv.hyperv")
    for name, ok in (("a.hyperv.yml", True), ("inventory.hyperv.yaml", True), ("hyperv.yml", True), ("a.yml", False)):
        (tmp_path / name).write_text("plugin: wsman.hyperv.hyperv\n")
        assert plugin.verify_file(str(tmp_path / name)) is ok, name


def test_hosts_hostvars_and_default_groups(run):
    fake = FakeHosts(two_hosts())
    data, plugin = run(BASE, fake)
    assert sorted(data.hosts) == ["db1", "shared_hv1", "shared_hv2", "web1", "web2"]
    hv = data.hosts["web1"].get_vars()
    assert hv["hyperv_name"] == "web1"
    assert hv["hyperv_uuid"] == "U-1"
    assert hv["hyperv_state"] == "running"
    assert hv["hyperv_host"] == "hv1"
    assert hv["hyperv_uri"] == "hyperv://admin@hv1:5985/?transport=http"
    assert hv["hyperv_generation"] == 2 and hv["hyperv_cpu_count"] == 2 and hv["hyperv_memory_mb"] == 2048
    assert hv["hyperv_notes"] == "role=web"
    assert hv["hyperv_ip_addresses"] == ["fe80::5", "10.0.0.11", "192.168.7.11"]
    assert hv["hyperv_guest_fqdn"] == "web1.corp"
    assert hv["hyperv_guest_os"] == "Windows Server 2022"
    assert hv["hyperv_checkpoints"] == []
    assert hv["ansible_host"] == "10.0.0.11"  # link-local skipped
    assert "hyperv_disks" not in hv  # devices not included by default
    assert "ansible_host" not in data.hosts["db1"].get_vars()
    assert data.hosts["shared_hv2"].get_vars()["hyperv_uuid"] == "U-5"
    assert groups_of(data, "web1") == ["hyperv", "hyperv_host_hv1", "running"]
    assert groups_of(data, "db1") == ["hyperv", "hyperv_host_hv1", "off"]
    assert groups_of(data, "shared_hv1") == ["hyperv", "hyperv_host_hv1", "saved"]
    assert groups_of(data, "shared_hv2") == ["hyperv", "hyperv_host_hv2", "paused"]
    # the driver was asked once per host, for the minimal parts, with the per-host spec
    specs = sorted((c[0].hostname, c[0].username, c[0].password, c[0].port, c[2]) for c in fake.calls)
    assert specs == [
        ("hv1", "admin", PASSWORD, 5985, ("config", "guest", "checkpoints")),
        ("hv2", "admin", PASSWORD, 5985, ("config", "guest", "checkpoints")),
    ]
    assert plugin.stats["hv1"]["vms"] == 3


def test_preferred_networks_hostnames_and_prefix(run):
    config = (
        BASE
        + """preferred_networks: [192.168.0.0/16]
hostnames: [fqdn, ip, name]
state_group_prefix: state_
include: [config, devices]
"""
    )
    fake = FakeHosts(two_hosts())
    data, _plugin = run(config, fake)
    assert sorted(data.hosts) == ["192.168.7.12", "db1", "shared_hv1", "shared_hv2", "web1.corp"]
    assert data.hosts["web1.corp"].get_vars()["ansible_host"] == "192.168.7.11"
    assert data.hosts["web1.corp"].get_vars()["hyperv_disks"] == [{"path": "C:\\vm.vhdx"}]
    assert "state_running" in groups_of(data, "192.168.7.12")
    assert "running" not in data.groups
    assert {c[2] for c in fake.calls} == {("config", "devices")}


def test_default_groups_off_and_clash_rules(run):
    data, _plugin = run(BASE + "default_groups: false\nhostname_clash: suffix_uuid\n", FakeHosts(two_hosts()))
    assert "shared_U-3" in data.hosts and "shared_U-5" in data.hosts
    assert "running" not in data.groups and "hyperv" not in data.groups
    with pytest.raises(AnsibleParserError, match="'shared' on hv1 \\(U-3\\), hv2 \\(U-5\\)"):
        run(BASE + "hostname_clash: error\n", FakeHosts(two_hosts()))


def test_constructable_compose_groups_keyed_groups(run):
    config = (
        BASE
        + """compose:
  ansible_user: "'Administrator'"
  mem_gb: hyperv_memory_mb // 1024
  broken: hyperv_nonexistent.attr
groups:
  webservers: "'role=web' in hyperv_notes"
keyed_groups:
  - key: hyperv_host_computer_name
    prefix: computer
  - key: hyperv_generation | string
    prefix: gen
"""
    )
    data, _plugin = run(config, FakeHosts(two_hosts()))
    web2 = data.hosts["web2"].get_vars()
    assert web2["ansible_user"] == "Administrator"
    assert web2["mem_gb"] == 2
    assert "broken" not in web2  # strict: false skips it
    assert sorted(h.name for h in data.groups["webservers"].get_hosts()) == ["web1", "web2"]
    assert sorted(h.name for h in data.groups["computer_HV2"].get_hosts()) == ["shared_hv2", "web2"]
    assert len(data.groups["gen_2"].get_hosts()) == 5
    with pytest.raises(AnsibleError, match="broken"):
        run(config + "strict: true\n", FakeHosts(two_hosts()))


def test_filters_go_to_the_driver_and_notes_are_applied_here(run):
    config = (
        BASE
        + """filters:
  states: [running, paused]
  names: ['web*', 'shared']
  notes: '^role=web$'
"""
    )
    fake = FakeHosts(two_hosts())
    data, _plugin = run(config, fake)
    assert sorted(data.hosts) == ["web1", "web2"]
    assert all(c[1] == {"states": ["paused", "running"], "name_globs": ["web*", "shared"]} for c in fake.calls)


def test_per_host_credentials_templates_and_env_fallback(run, monkeypatch):
    monkeypatch.setenv("HYPERV_PASSWORD", PASSWORD)
    monkeypatch.setenv("HV2_SECRET", OTHER_PASSWORD)
    config = """plugin: wsman.hyperv.hyperv
username: admin
hosts:
  - uri: hyperv://hv1:5985/?transport=http
  - uri: hyperv://ops@hv2/
    password: "{{ lookup('ansible.builtin.env', 'HV2_SECRET') }}"
    validate_certs: false
    name: second
"""
    fake = FakeHosts(two_hosts())
    data, _plugin = run(config, fake)
    got = {c[0].hostname: (c[0].username, c[0].password, c[0].transport, c[0].validate_certs) for c in fake.calls}
    assert got == {"hv1": ("admin", PASSWORD, "http", True), "hv2": ("ops", OTHER_PASSWORD, "https", False)}
    assert data.hosts["web2"].get_vars()["hyperv_host"] == "second"
    assert "hyperv_host_second" in data.groups
    assert data.hosts["web2"].get_vars()["hyperv_uri"] == "hyperv://ops@hv2:5986/?transport=https"


def test_vaulted_password(run, tmp_path):
    from ansible.parsing.vault import VaultLib, VaultSecret, VaultSecretsContext

    secret = VaultSecret(b"vault-pass")
    context = VaultSecretsContext.current(optional=True)
    if context is None:  # what the ansible CLIs do once per process
        VaultSecretsContext.initialize(VaultSecretsContext([("default", secret)]))
    else:
        context.secrets.append(("default", secret))
    vaulted = VaultLib([("default", secret)]).encrypt(PASSWORD).decode()
    config = (
        "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: !vault |\n%s\nhosts: [hyperv://hv1/]\n"
        % "\n".join("  " + line for line in vaulted.splitlines())
    )
    loader = DataLoader()
    loader.set_vault_secrets([("default", secret)])
    fake = FakeHosts(two_hosts())
    run(config, fake, loader=loader)
    assert fake.calls[0][0].password == PASSWORD
    # vaulted inside a hosts entry, and a top-level lookup
    entry = "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: \"{{ 'top' ~ 'level' }}\"\nhosts:\n"
    entry += "  - hyperv://hv1/\n  - uri: hyperv://hv2/\n    password: !vault |\n%s\n" % "\n".join(
        "      " + line for line in vaulted.splitlines()
    )
    fake = FakeHosts(two_hosts())
    run(entry, fake, loader=loader)
    assert sorted((c[0].hostname, c[0].password) for c in fake.calls) == [("hv1", "toplevel"), ("hv2", PASSWORD)]


def test_unsafe_literal_password_is_not_templated(run):
    config = (
        "plugin: wsman.hyperv.hyperv\nusername: a\nhosts:\n  - uri: hyperv://hv1/\n    password: !unsafe 'p{{w}}d'\n"
    )
    fake = FakeHosts(two_hosts())
    run(config, fake)
    assert fake.calls[0][0].password == "p{{w}}d"


def test_single_host_from_top_level_or_environment(run, monkeypatch):
    fake = FakeHosts(two_hosts())
    data, _plugin = run("plugin: wsman.hyperv.hyperv\nuri: hyperv://admin@hv2/\npassword: x\n", fake)
    assert sorted(data.hosts) == ["shared", "web2"]
    monkeypatch.setenv("HYPERV_URI", "hyperv://hv1/")
    monkeypatch.setenv("HYPERV_USERNAME", "envuser")
    monkeypatch.setenv("HYPERV_PASSWORD", PASSWORD)
    fake = FakeHosts(two_hosts())
    data, _plugin = run("plugin: wsman.hyperv.hyperv\n", fake)
    assert (fake.calls[0][0].hostname, fake.calls[0][0].username) == ("hv1", "envuser")
    assert len(data.hosts) == 3


def test_configuration_errors_name_the_entry_and_hide_the_password(run):
    with pytest.raises(AnsibleParserError, match=r"hosts\[1\]: .*password") as err:
        run(
            "plugin: wsman.hyperv.hyperv\nusername: a\nhosts:\n  - uri: hyperv://h1/\n    password: p\n  - hyperv://h2/\n",
            FakeHosts({}),
        )
    with pytest.raises(AnsibleParserError, match="no Hyper-V host given"):
        run("plugin: wsman.hyperv.hyperv\n", FakeHosts({}))
    with pytest.raises(AnsibleParserError, match="used by more than one entry"):
        run(BASE.replace("  - hv2\n", "  - {hostname: hv2, name: hv1}\n"), FakeHosts(two_hosts()))
    with pytest.raises(AnsibleParserError, match="preferred_networks") as err:
        run(BASE + "preferred_networks: [nonsense]\n", FakeHosts(two_hosts()))
    assert PASSWORD not in str(err.value)


def test_same_host_name_on_two_ports_gets_port_labels(run):
    hosts = {"hv1": [vm("web", "U-1")]}
    fake = FakeHosts(hosts)
    config = BASE.replace("  - hyperv://hv1/\n  - hv2\n", "  - hyperv://hv1:5985/\n  - hyperv://hv1:6000/\n")
    data, _plugin = run(config, fake)
    assert sorted(data.hosts) == ["web_hv1_5985", "web_hv1_6000"]
    assert sorted(g for g in data.groups if g.startswith("hyperv_host_")) == [
        "hyperv_host_hv1_5985",
        "hyperv_host_hv1_6000",
    ]


def test_unreachable_host_warns_and_others_are_inventoried(run, capsys):
    error = UnreachableError("cannot connect to hv2:5985 (connection refused) as admin/%s" % PASSWORD, host="hv2")
    fake = FakeHosts(two_hosts(), fail={"hv2": error})
    data, _plugin = run(BASE, fake)
    assert sorted(data.hosts) == ["db1", "shared", "web1"]
    assert "hyperv_host_hv2" not in data.groups
    err = capsys.readouterr().err
    assert "skipped Hyper-V host hv2" in err and "connection refused" in err
    assert PASSWORD not in err
    with pytest.raises(AnsibleError, match="1 of 2 Hyper-V host") as exc:
        run(BASE + "strict_hosts: true\n", FakeHosts(two_hosts(), fail={"hv2": error}))
    assert PASSWORD not in str(exc.value)


def test_unexpected_driver_exception_is_contained(run, capsys):
    fake = FakeHosts(two_hosts(), fail={"hv1": KeyError("EnabledState")})
    data, _plugin = run(BASE, fake)
    assert sorted(data.hosts) == ["shared", "web2"]
    assert "KeyError" in capsys.readouterr().err


def test_hosts_are_queried_in_parallel_bounded_by_max_workers(run):
    hosts = {"h%d" % i: [vm("vm%d" % i, "U%d" % i)] for i in range(6)}
    config = "plugin: wsman.hyperv.hyperv\nusername: a\npassword: b\nmax_workers: %d\nhosts: [%s]\n"
    names = ", ".join(sorted(hosts))
    fake = FakeHosts(hosts, delay=0.1)
    data, _plugin = run(config % (3, names), fake)
    assert len(data.hosts) == 6 and len(fake.calls) == 6
    assert fake.peak == 3
    fake = FakeHosts(hosts, delay=0.02)
    run(config % (1, names), fake)
    assert fake.peak == 1
    for bad in (0, -2):
        fake = FakeHosts(hosts)
        with pytest.raises(AnsibleParserError, match=r"max_workers: must be 1 or more \(got %d\)" % bad):
            run(config % (bad, names), fake)
        assert fake.calls == []


def cache_config(tmp_path, extra=""):
    return BASE + "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n%s" % (
        tmp_path / "cache",
        extra,
    )


def test_cache_second_run_makes_no_request_and_holds_no_password(run, tmp_path):
    first = FakeHosts(two_hosts())
    data1, _plugin = run(cache_config(tmp_path), first)
    assert len(first.calls) == 2
    files = glob.glob(str(tmp_path / "cache" / "*"))
    assert len(files) == 1
    with open(files[0]) as handle:
        text = handle.read()
    assert PASSWORD not in text
    assert "web1" in text and "hyperv://admin@hv1:5985/?transport=http" in text
    json.loads(text)

    second = FakeHosts(two_hosts())
    data2, _plugin = run(cache_config(tmp_path), second)
    assert second.calls == []
    assert sorted(data2.hosts) == sorted(data1.hosts)
    assert data2.hosts["web1"].get_vars()["ansible_host"] == "10.0.0.11"

    # cache=False (--flush-cache / refresh) queries again and rewrites the cache
    third = FakeHosts(two_hosts())
    run(cache_config(tmp_path), third, cache=False)
    assert len(third.calls) == 2

    # different filters: the cached facts do not apply
    fourth = FakeHosts(two_hosts())
    run(cache_config(tmp_path, "filters: {states: [running]}\n"), fourth)
    assert len(fourth.calls) == 2


def test_cache_refetches_only_hosts_missing_from_it(run, tmp_path):
    down = FakeHosts(two_hosts(), fail={"hv2": UnreachableError("refused", host="hv2")})
    data, _plugin = run(cache_config(tmp_path), down)
    assert sorted(data.hosts) == ["db1", "shared", "web1"]
    up = FakeHosts(two_hosts())
    data, _plugin = run(cache_config(tmp_path), up)
    assert [c[0].hostname for c in up.calls] == ["hv2"]
    assert len(data.hosts) == 5
    again = FakeHosts(two_hosts())
    run(cache_config(tmp_path), again)
    assert again.calls == []
