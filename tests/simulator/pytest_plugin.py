"""pytest fixtures: `hyperv_sim` (factory of in-process simulated hosts) and `hyperv_host`
(one default v2 host)."""

from __future__ import annotations

import pytest

from .server import SimHost, load_or_build


@pytest.fixture
def hyperv_sim():
    """Factory: hyperv_sim(persona="2022", vms=3, switches=1, tls=False, users=None, **options) -> SimHost.

    options are SimHost's: auth=("basic", "ntlm") (the enabled methods), basic_enabled,
    allow_unencrypted, enum_timeout_s, state_file, certfile/keyfile.

    The object has .url, .port, .host (the model), .stats(), .inject(...), .reset_stats();
    every host started through the factory is stopped at teardown."""
    started = []

    def start(
        persona="2022",
        vms=3,
        switches=1,
        tls=False,
        users=None,
        computer_name="HV-SIM01",
        seed=0,
        guest_os_for_new_vms=True,
        **options,
    ):
        model = load_or_build(
            None,
            persona=persona,
            vms=vms,
            switches=switches,
            computer_name=computer_name,
            seed=seed,
            guest_os_for_new_vms=guest_os_for_new_vms,
        )
        sim = SimHost(model, users or {"admin": "secret"}, tls=tls, seed=seed, **options).start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def hyperv_host(hyperv_sim):
    """One default v2 host (persona 2022, 3 VMs, 1 switch, user admin / secret, plain HTTP)."""
    return hyperv_sim()
