"""The collection's driver connected to a simulator started by the hyperv_sim fixture (HTTP, Basic, no sleeps
between job polls), for tests that exercise module_utils against the simulated host."""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils import wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.hyperv.connection import HypervConnection
from ansible_collections.wsman.hyperv.plugins.module_utils.uri import ConnectionSpec


def spec(sim, password="secret", namespace="auto"):
    return ConnectionSpec(hostname="127.0.0.1", port=sim.port, transport="http", username="admin",
                          password=password, auth="basic", validate_certs=False, ca_path=None, client_cert=None,
                          client_key=None, connection_timeout=5, operation_timeout=20, namespace=namespace)


def client(sim, password="secret", namespace="auto", **client_kwargs):
    return wsman.WSManClient(spec(sim, password, namespace), sleep=lambda s: None, **client_kwargs)


def connection(sim, **client_kwargs):
    return HypervConnection(client(sim, **client_kwargs))
