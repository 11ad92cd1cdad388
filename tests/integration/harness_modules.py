"""Run wsman.hyperv modules through ansible-playbook against an in-process simulator.

Two ways:

* ``run_playbook(sim, "hyperv_switch/main.yml", tmp_path, persona=...)`` runs a checked-in playbook
  from tests/integration/playbooks/ (they assert their own expectations with ansible.builtin.assert)
  and returns the completed process;
* ``run_tasks(sim, tmp_path, [task, ...])`` runs generated tasks, each registered and never failing
  the play, and returns the list of module results (``failed``/``msg``/``changed``/return values),
  for tests that inspect results in Python.

The connection options come from ``module_defaults`` on the ``group/wsman.hyperv.hyperv`` action
group, so every task also proves the modules are in that group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks")
USER = "admin"
PASSWORD = "secret"


def env():
    out = {k: v for k, v in os.environ.items() if not k.startswith(("HYPERV_", "ANSIBLE_"))}
    out.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
    )
    return out


def connection_vars(sim):
    return {"hyperv_hostname": "127.0.0.1", "hyperv_port": sim.port, "hyperv_user": USER,
            "hyperv_password": PASSWORD, "ansible_python_interpreter": sys.executable}


def _playbook_cmd(path, extra_vars, check=False, diff=False):
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path),
           "-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    return cmd


def run_playbook(sim, relpath, tmp_path, extra_vars=None, check=False):
    """Run tests/integration/playbooks/<relpath>; returns CompletedProcess (stdout has the play output)."""
    variables = connection_vars(sim)
    variables.update(extra_vars or {})
    return subprocess.run(_playbook_cmd(os.path.join(PLAYBOOKS, relpath), variables, check=check),
                          capture_output=True, text=True, env=env(), cwd=str(tmp_path), timeout=600, check=False)


def _yaml_task(i, task):
    module = task["module"]
    args = task.get("args", {})
    body = {
        "name": "step %d" % i,
        "wsman.hyperv.%s" % module: args,
        "register": "step_%d" % i,
        "ignore_errors": True,
    }
    if "check_mode" in task:
        body["check_mode"] = task["check_mode"]
    if "diff" in task:
        body["diff"] = task["diff"]
    return body


def run_tasks(sim, tmp_path, tasks):
    """Run generated tasks in one play; returns one result dict per task (in order)."""
    out_file = tmp_path / "results.json"
    play = [{
        "name": "generated",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/wsman.hyperv.hyperv": {
            "hostname": "{{ hyperv_hostname }}", "port": "{{ hyperv_port }}", "transport": "http",
            "username": "{{ hyperv_user }}", "password": "{{ hyperv_password }}",
        }},
        "tasks": [_yaml_task(i, t) for i, t in enumerate(tasks)] + [{
            "name": "write results",
            "ansible.builtin.copy": {
                "content": "{{ [%s] | to_json }}" % ", ".join("step_%d" % i for i in range(len(tasks))),
                "dest": str(out_file),
                "mode": "0600",
            },
        }],
    }]
    path = tmp_path / "generated.yml"
    path.write_text(json.dumps(play))  # JSON is YAML
    proc = subprocess.run(_playbook_cmd(path, connection_vars(sim)), capture_output=True, text=True,
                          env=env(), cwd=str(tmp_path), timeout=600, check=False)
    if proc.returncode != 0 or not out_file.exists():
        raise AssertionError("ansible-playbook failed (rc=%s)\nSTDOUT:\n%s\nSTDERR:\n%s"
                             % (proc.returncode, proc.stdout[-6000:], proc.stderr[-4000:]))
    return json.loads(out_file.read_text())


def vms_of(sim):
    """The simulated VMs (model instances of Msvm_ComputerSystem, the host excluded)."""
    host = sim.host
    return [cs for cs in host.all_of(host.persona.vm_namespace, "Msvm_ComputerSystem")
            if cs.values.get("_state") is not None]


def pick_vm(sim, state, exclude=()):
    """A VM in ``state`` (running/off/saved/paused); puts one there through the model if none is."""
    from tests.simulator.model.vms import set_state

    candidates = [cs for cs in vms_of(sim) if cs.values["ElementName"] not in exclude]
    for cs in candidates:
        if cs.values["_state"] == state:
            return cs
    cs = candidates[-1]
    with sim.host.lock:
        set_state(sim.host, cs, state)
    return cs
