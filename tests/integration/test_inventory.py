"""End-to-end tests of the wsman.hyperv.hyperv inventory plugin: `ansible-inventory` and `ansible` run as
subprocesses against in-process Hyper-V simulators (tests/simulator), the collection found through
ANSIBLE_COLLECTIONS_PATH=.build/collections (tests/conftest.py makes that link)."""

from __future__ import annotations

import glob
import json
import os
import socket
import subprocess
import sys

import pytest

from tests.simulator import pytest_plugin

hyperv_sim = pytest_plugin.hyperv_sim  # the simulator's fixture, used here

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
PW1 = "Pa55-one!hv"
PW2 = "Zw31-two#hv"


def closed_port():
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uri(sim, user=None):
    return "hyperv://%s127.0.0.1:%d/?transport=http" % (user + "@" if user else "", sim.port)


def env(extra=None):
    out = {k: v for k, v in os.environ.items() if not k.startswith(("HYPERV_", "ANSIBLE_"))}
    out.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_INVENTORY_ENABLED="wsman.hyperv.hyperv",
        ANSIBLE_HOST_KEY_CHECKING="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
    )
    out.update(extra or {})
    return out


def run(args, tmp_path, config, extra_env=None, check=True):
    path = tmp_path / "test.hyperv.yml"
    path.write_text(config)
    proc = subprocess.run(
        [os.path.join(BIN, args[0]), "-i", str(path), *args[1:]],
        capture_output=True,
        text=True,
        env=env(extra_env),
        cwd=str(tmp_path),
        timeout=300,
        check=False,
    )
    if check:
        assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc


def inventory(tmp_path, config, extra_env=None, args=("--list",)):
    proc = run(["ansible-inventory", *args], tmp_path, config, extra_env)
    return json.loads(proc.stdout), proc


def hosts_of(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def hostvars(data):
    return data["_meta"]["hostvars"]


def plain(value):
    """ansible-inventory marks strings from a plugin as unsafe ({"__ansible_unsafe": "..."}); unwrap them."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def vm_names(sim):
    return sorted(
        i.properties["ElementName"]
        for i in sim.host.instances("root/virtualization/v2", "Msvm_ComputerSystem")
        if i.properties["Name"] != sim.host.computer_name
    )


@pytest.fixture
def two_sims(hyperv_sim):
    a = hyperv_sim(vms=4, computer_name="HV-A", users={"admin": PW1}, seed=1)
    b = hyperv_sim(vms=3, computer_name="HV-B", users={"ops": PW2}, seed=2)
    return a, b


def per_host_config(a, b, extra=""):
    return (
        "plugin: wsman.hyperv.hyperv\nhosts:\n"
        "  - uri: %s\n    password: %s\n    name: hv-a\n"
        "  - uri: %s\n    password: \"{{ lookup('ansible.builtin.env', 'HVB_PASSWORD') }}\"\n    name: hv-b\n%s"
        % (uri(a, "admin"), PW1, uri(b, "ops"), extra)
    )


def test_several_hosts_one_down_per_host_credentials(two_sims, tmp_path):
    a, b = two_sims
    down = closed_port()
    config = per_host_config(a, b) + "  - uri: hyperv://admin@127.0.0.1:%d/?transport=http\n    password: %s\n" % (
        down,
        PW1,
    )
    data, proc = inventory(tmp_path, config, {"HVB_PASSWORD": PW2})
    hv = plain(hostvars(data))
    expected = len(vm_names(a)) + len(vm_names(b))
    assert len(hv) == expected
    assert {v["hyperv_host"] for v in hv.values()} == {"hv-a", "hv-b"}
    assert {v["hyperv_host_computer_name"] for v in hv.values()} == {"HV-A", "HV-B"}
    assert sorted(v["hyperv_name"] for v in hv.values() if v["hyperv_host"] == "hv-a") == vm_names(a)
    assert hosts_of(data, "hyperv_host_hv_a") and hosts_of(data, "hyperv_host_hv_b")
    assert "skipped Hyper-V host 127.0.0.1" in proc.stderr and str(down) in proc.stderr
    for text in (proc.stdout, proc.stderr):
        assert PW1 not in text and PW2 not in text
    # every VM carries what a module task needs: the password-free URI and the GUID
    for v in hv.values():
        assert v["hyperv_uri"] in (uri(a, "admin"), uri(b, "ops"))
        assert len(v["hyperv_uuid"]) == 36

    # strict_hosts: the source fails; Ansible then reports it (and fails the command with
    # ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED, as AWX inventory updates should)
    strict_config = config + "strict_hosts: true\n"
    strict = run(["ansible-inventory", "--list"], tmp_path, strict_config, {"HVB_PASSWORD": PW2}, check=False)
    assert "strict_hosts=true" in strict.stderr
    assert not hostvars(json.loads(strict.stdout))
    strict = run(
        ["ansible-inventory", "--list"],
        tmp_path,
        strict_config,
        {"HVB_PASSWORD": PW2, "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"},
        check=False,
    )
    assert strict.returncode != 0
    assert "1 of 3 Hyper-V host(s) failed" in strict.stderr
    assert PW1 not in strict.stderr + strict.stdout and PW2 not in strict.stderr + strict.stdout


def test_wrong_password_on_one_host_is_a_warning_without_the_password(two_sims, tmp_path):
    a, b = two_sims
    data, proc = inventory(tmp_path, per_host_config(a, b), {"HVB_PASSWORD": PW1})  # b gets a's password
    hv = plain(hostvars(data))
    assert {v["hyperv_host"] for v in hv.values()} == {"hv-a"}
    assert "skipped Hyper-V host hv-b" in proc.stderr
    assert PW1 not in proc.stderr + proc.stdout and PW2 not in proc.stderr + proc.stdout


def test_hostvars_groups_and_ansible_host(hyperv_sim, tmp_path):
    sim = hyperv_sim(vms=6, computer_name="HV-C", users={"admin": PW1})
    config = "plugin: wsman.hyperv.hyperv\nhosts: ['%s']\n" % uri(sim, "admin")
    data, _proc = inventory(tmp_path, config, {"HYPERV_PASSWORD": PW1})
    hv = plain(hostvars(data))
    assert sorted(v["hyperv_name"] for v in hv.values()) == vm_names(sim)
    for name, v in hv.items():  # a name used twice on the host gets the host label and the GUID
        assert name in (v["hyperv_name"], "%s_127.0.0.1_%s" % (v["hyperv_name"], v["hyperv_uuid"]))
    running = hosts_of(data, "running")
    assert running and set(running) <= set(hv)
    for name, v in hv.items():
        assert v["hyperv_state"] in ("running", "off", "saved", "paused"), v["hyperv_state"]
        assert name in hosts_of(data, v["hyperv_state"])
        for key in ("hyperv_generation", "hyperv_cpu_count", "hyperv_memory_mb"):
            assert isinstance(v[key], int) and v[key] > 0, (name, key, v[key])
        assert isinstance(v["hyperv_checkpoints"], list)
        if v["hyperv_ip_addresses"]:
            assert v["ansible_host"] == v["hyperv_ip_addresses"][0] or v["ansible_host"] in v["hyperv_ip_addresses"]
        else:
            assert "ansible_host" not in v
    assert any(v["hyperv_ip_addresses"] for v in hv.values() if v["hyperv_state"] == "running")
    assert all(not v["hyperv_ip_addresses"] for v in hv.values() if v["hyperv_state"] != "running")
    assert hosts_of(data, "hyperv_host_127_0_0_1") == sorted(hv)


def test_compose_keyed_groups_groups_filters(hyperv_sim, tmp_path):
    sim = hyperv_sim(vms=8, computer_name="HV-D", users={"admin": PW1})
    base = "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\nhosts: ['%s']\n" % (PW1, uri(sim))
    data, _proc = inventory(tmp_path, base)
    allv = plain(hostvars(data))
    some = sorted(n for n, v in allv.items() if v["hyperv_notes"] and v["hyperv_state"] == "running")[0]
    pattern = some[:2] + "*"
    notes = allv[some]["hyperv_notes"]

    config = (
        base
        + """compose:
  vm_label: hyperv_name ~ '@' ~ hyperv_host_computer_name
  ansible_user: "'Administrator'"
keyed_groups:
  - key: hyperv_generation | string
    prefix: gen
  - key: hyperv_host_computer_name
    prefix: computer
groups:
  big: hyperv_memory_mb >= 2048
  up: hyperv_state == 'running'
"""
    )
    data, _proc = inventory(tmp_path, config)
    hv = plain(hostvars(data))
    assert hv[some]["vm_label"] == "%s@HV-D" % some
    assert hv[some]["ansible_user"] == "Administrator"
    for gen in (1, 2):
        assert hosts_of(data, "gen_%d" % gen) == sorted(n for n, v in hv.items() if v["hyperv_generation"] == gen)
    assert hosts_of(data, "computer_HV_D") == sorted(hv)
    assert hosts_of(data, "big") == sorted(n for n, v in hv.items() if v["hyperv_memory_mb"] >= 2048)
    assert hosts_of(data, "up") == hosts_of(data, "running")

    # filters: states + a name glob go to WQL, the notes regex is applied on the controller
    sim.reset_stats()
    filtered = base + "filters:\n  states: [running]\n  names: ['%s']\n  notes: '^%s$'\n" % (pattern, notes)
    data, _proc = inventory(tmp_path, filtered)
    hv = plain(hostvars(data))
    expected = sorted(
        n
        for n, v in allv.items()
        if v["hyperv_state"] == "running" and n.startswith(some[:2]) and v["hyperv_notes"] == notes
    )
    assert sorted(hv) == expected


def test_cache_second_run_sends_nothing_and_cache_has_no_password(hyperv_sim, tmp_path):
    sim = hyperv_sim(vms=5, computer_name="HV-E", users={"admin": PW1})
    cache_dir = tmp_path / "inv-cache"
    config = (
        "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\nhosts: ['%s']\n"
        "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\ncache_timeout: 3600\n"
        % (PW1, uri(sim), cache_dir)
    )
    first, _proc = inventory(tmp_path, config)
    after_first = sim.stats()["total"]
    assert after_first > 0
    files = glob.glob(str(cache_dir / "*"))
    assert files
    for path in files:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        assert PW1 not in text
        assert "HV-E" in text
    second, _proc = inventory(tmp_path, config)
    assert sim.stats()["total"] == after_first, "a cached run must not send any request"
    assert plain(hostvars(second)) == plain(hostvars(first))
    # --flush-cache queries again
    inventory(tmp_path, config, args=("--list", "--flush-cache"))
    assert sim.stats()["total"] > after_first


def test_no_password_in_any_output(two_sims, tmp_path):
    a, b = two_sims
    config = per_host_config(a, b, extra="compose:\n  x: hyperv_uri\n")
    for args in (("--list",), ("--graph", "--vars"), ("--list", "-vvvv"), ("--host", "nonexistent")):
        proc = run(["ansible-inventory", *args], tmp_path, config, {"HVB_PASSWORD": PW2}, check=False)
        for text in (proc.stdout, proc.stderr):
            assert PW1 not in text and PW2 not in text, args


def test_environment_credentials_like_awx(two_sims, tmp_path):
    a, _b = two_sims
    config = "plugin: wsman.hyperv.hyperv\nhosts:\n  - %s\n" % uri(a)
    data, proc = inventory(tmp_path, config, {"HYPERV_USERNAME": "admin", "HYPERV_PASSWORD": PW1})
    assert sorted(plain(hostvars(data))) == vm_names(a)
    assert PW1 not in proc.stdout + proc.stderr


def test_adhoc_command_on_state_group(hyperv_sim, tmp_path):
    sim = hyperv_sim(vms=5, computer_name="HV-F", users={"admin": PW1})
    config = "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\nhosts: ['%s']\n" % (PW1, uri(sim))
    data, _proc = inventory(tmp_path, config)
    running = hosts_of(data, "running")
    assert running
    proc = run(["ansible", "running", "-m", "ansible.builtin.debug", "-a", "var=hyperv_ip_addresses"], tmp_path, config)
    for name in running:
        assert name in proc.stdout
    ips = plain(hostvars(data))[running[0]]["hyperv_ip_addresses"]
    assert ips and ips[0] in proc.stdout
    assert PW1 not in proc.stdout + proc.stderr


def test_v1_host_2008r2(hyperv_sim, tmp_path):
    sim = hyperv_sim(persona="2008r2", vms=3, computer_name="HV-OLD", users={"admin": PW1})
    config = "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\nhosts: ['%s']\n" % (PW1, uri(sim))
    data, _proc = inventory(tmp_path, config)
    hv = plain(hostvars(data))
    assert len(hv) == 3
    assert {v["hyperv_generation"] for v in hv.values()} == {1}
    assert all(v["hyperv_state"] in ("running", "off", "saved", "paused") for v in hv.values())


@pytest.mark.parametrize("persona", ["2022"])
def test_request_count_does_not_grow_with_vms(hyperv_sim, tmp_path, persona):
    counts = {}
    for vms in (10, 1000):
        sim = hyperv_sim(persona=persona, vms=vms, computer_name="HV-N%d" % vms, users={"admin": PW1})
        config = "plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\nhosts: ['%s']\n" % (PW1, uri(sim))
        data, _proc = inventory(tmp_path, config)
        assert len(hostvars(data)) == vms
        stats = sim.stats()
        counts[vms] = {k: v for k, v in stats.get("actions", {}).items() if k != "Pull"}
        counts[vms]["pulls"] = stats.get("actions", {}).get("Pull", 0)
        counts[vms]["total"] = stats["total"]
    # the same enumerations for 10 and 1000 VMs; only the Pulls grow with the size of the answers (the host cuts
    # batches at about 76 KB, reference 12 G2), never one request per VM
    assert {k: v for k, v in counts[10].items() if k not in ("pulls", "total")} == {
        k: v for k, v in counts[1000].items() if k not in ("pulls", "total")
    }
    # 5 enumerations (systems, settings + checkpoints, processor, memory, KVP), all projected: 10 VMs fit in
    # their first answers; 1000 VMs need 16 Pulls on the simulator (most for the KVP items)
    assert counts[10] == {"Enumerate": 5, "pulls": 0, "total": 5}, counts
    assert counts[1000]["Enumerate"] == 5 and counts[1000]["pulls"] <= 20, counts
    print("requests per host:", counts)
