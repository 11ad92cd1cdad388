# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HypervConnection: the Hyper-V vocabulary on top of the WS-Man driver.

It wraps one ``WSManClient`` and knows what differs between the v2 namespace
(``root/virtualization/v2``, 2012 and later) and v1 (``root/virtualization``, 2008 R2):
which namespace the host speaks, how to build references to VMs, settings and the service
singletons locally (reference 11.1: no request to look up a key), and how to run a method
and wait for its job.
"""

from __future__ import annotations

from ansible_collections.wsman.hyperv.plugins.module_utils import cim, jobs, wsman
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import MethodError

VSMS = "Msvm_VirtualSystemManagementService"
IMAGE_SERVICE = "Msvm_ImageManagementService"
SWITCH_SERVICE_V2 = "Msvm_VirtualEthernetSwitchManagementService"
SWITCH_SERVICE_V1 = "Msvm_VirtualSwitchManagementService"
CS = "Msvm_ComputerSystem"

DEFAULT_JOB_TIMEOUT = 600.0


class HypervConnection:
    """One Hyper-V host. Cheap to create; the first request settles the namespace."""

    def __init__(self, client, job_timeout=DEFAULT_JOB_TIMEOUT):
        self.client = client
        self.job_timeout = job_timeout
        self._host_name = None

    @classmethod
    def open(cls, spec, **kwargs):
        return cls(wsman.WSManClient(spec), **kwargs)

    def close(self):
        self.client.close()

    # ---- namespace -------------------------------------------------------------------------
    @property
    def namespace(self):
        return self.client.namespace

    @property
    def v1(self):
        """True on a 2008 R2 host (only meaningful after the first request)."""
        return self.client.namespace == wsman.V1

    @property
    def round_trips(self):
        return self.client.round_trips

    # ---- requests ----------------------------------------------------------------------------
    def query(self, wql):
        return self.client.query(wql)

    def first(self, wql):
        return self.client.first(wql)

    def get(self, ref):
        return self.client.get(ref)

    def ref(self, class_name, **selectors):
        """A reference built locally (class URI in the current namespace + key selectors)."""
        return cim.Reference(self.client.resource_uri(class_name), selectors)

    def vm_ref(self, guid):
        return self.ref(CS, CreationClassName=CS, Name=guid)

    def setting_ref(self, class_name, instance_id):
        return self.ref(class_name, InstanceID=instance_id)

    def vssd_ref(self, guid):
        return self.setting_ref("Msvm_VirtualSystemSettingData", "Microsoft:%s" % guid)

    def service_ref(self, class_name):
        """A singleton service, addressed by CreationClassName alone (reference 9.4 J13)."""
        return self.ref(class_name, CreationClassName=class_name)

    def invoke(self, target, method, params=None):
        """Invoke without waiting (ReturnValue returned as is)."""
        return self.client.invoke(target, method, params or {})

    def run_method(self, target, method, params=None, timeout=None, what=None):
        """Invoke a method; 0 → done, 4096 → wait for the job; anything else → MethodError/JobError."""
        result = self.client.invoke(target, method, params or {})
        try:
            return jobs.check_result(result, self.client, timeout=timeout or self.job_timeout,
                                     context=what or method)
        except MethodError as exc:
            if what:
                raise MethodError("%s: %s" % (what, exc), class_name=exc.class_name, method=exc.method,
                                  return_value=exc.return_value, meaning=exc.meaning) from exc
            raise

    def vsms(self, method, params, timeout=None, what=None):
        return self.run_method(self.service_ref(VSMS), method, params, timeout=timeout, what=what)

    # ---- object paths ------------------------------------------------------------------------
    @property
    def host_name(self):
        """The host's computer name (one Get of the management service, cached)."""
        if self._host_name is None:
            svc = self.get(self.service_ref(VSMS))
            self._host_name = svc.get("SystemName")
        return self._host_name

    def remember_host(self, name):
        if name and not self._host_name:
            self._host_name = name

    def object_path(self, class_name, **keys):
        """A WMI object path for Parent/HostResource strings (reference 3.5)."""
        return cim.object_path(class_name, keys, host=self.host_name, namespace=self.namespace)


def host_from_path(path):
    """The host name in ``\\\\HOST\\root\\...:Class.Key="v"`` (None for a relative path)."""
    if path and path.startswith("\\\\"):
        rest = path[2:]
        end = rest.find("\\")
        if end > 0:
            name = rest[:end]
            return None if name == "." else name
    return None
