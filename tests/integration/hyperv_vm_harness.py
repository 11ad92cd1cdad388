"""Run the hyperv_vm playbooks (tests/integration/playbooks/hyperv_vm/) with ansible-playbook against an
in-process Hyper-V simulator and return what the playbook recorded (it writes its registered results as
JSON to ``out_file``). Connection options travel in a -e file, through the `hyperv` action group."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks", "hyperv_vm")
PASSWORD = "Se3cret-Pw!hv"


def conn_vars(sim, password=PASSWORD):
    return {"hostname": "127.0.0.1", "port": sim.port, "transport": "http", "username": "admin",
            "password": password, "operation_timeout": 30}


def start(hyperv_sim, persona="2022", vms=2, **kw):
    """A simulated host whose admin password is PASSWORD, with short transitional times."""
    return fast(hyperv_sim(persona=persona, vms=vms, users={"admin": PASSWORD}, **kw))


def vm_names(sim):
    """Display names of the simulated host's VMs (the host itself left out)."""
    systems = sim.host.instances(sim.host.persona.namespaces[0], "Msvm_ComputerSystem")
    return [v.properties["ElementName"] for v in systems if v.properties["Name"] != sim.host.computer_name]


def fast(sim):
    """Shorten the simulator's transitional times so the suite stays quick."""
    timing = sim.host.timing
    timing.transition_s = 0.05
    timing.job_s = 0.05
    timing.guest_ready_s = 0.3
    return sim


def env():
    out = {k: v for k, v in os.environ.items() if not k.startswith(("HYPERV_", "ANSIBLE_"))}
    out.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
    )
    return out


def run_playbook(name, sim, tmp_path, variables=None, password=PASSWORD, args=(), hosts=None):
    """ansible-playbook <name>.yml -e @vars.json; returns (results, completed process).

    With ``hosts`` (inventory host names, run in parallel), results is {host: what it wrote}."""
    out_file = tmp_path / ("%s-out.json" % name)
    if out_file.exists():
        out_file.unlink()
    data = {"hyperv_conn": conn_vars(sim, password), "out_file": str(out_file)}
    data.update(variables or {})
    vars_file = tmp_path / ("%s-vars.json" % name)
    vars_file.write_text(json.dumps(data))
    proc = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-i", ",".join(hosts or ["localhost"]) + ",", "-c", "local",
         "-f", str(len(hosts or [1])), "-e", "@%s" % vars_file,
         *args, os.path.join(PLAYBOOKS, name + ".yml")],
        capture_output=True, text=True, env=env(), cwd=str(tmp_path), timeout=600, check=False,
    )
    assert PASSWORD not in proc.stdout + proc.stderr, "the password leaked into the playbook output"
    if hosts:
        found = {}
        for host in hosts:
            part = tmp_path / ("%s-out.json.%s" % (name, host))
            if not part.exists():
                raise AssertionError("playbook %s wrote no results for %s (rc %d)\n%s" % (
                    name, host, proc.returncode, proc.stdout[-6000:]))
            found[host] = json.loads(part.read_text())
        return found, proc
    if not out_file.exists():
        raise AssertionError("playbook %s wrote no results (rc %d)\n%s\n%s" % (name, proc.returncode,
                                                                               proc.stdout[-6000:], proc.stderr[-3000:]))
    return json.loads(out_file.read_text()), proc
