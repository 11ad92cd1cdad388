import json
import re
import time

from tests.simulator.model import build_host

from .conftest import NS, vms

GUID = r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"


def test_host_and_vms(host):
    cs = host.instances(NS, "Msvm_ComputerSystem")
    hosts = [c for c in cs if c.properties["Name"] == host.computer_name]
    assert len(hosts) == 1 and hosts[0].properties["Description"] == "Microsoft Hosting Computer System"
    machines = vms(host)
    assert len(machines) == 12
    for vm in machines:
        p = vm.properties
        assert re.fullmatch(GUID, p["Name"])
        assert p["Caption"] == "Virtual Machine" and p["Description"] == "Microsoft Virtual Machine"
        assert p["InstanceID"] is None
    states = {v.properties["EnabledState"] for v in machines}
    assert {2, 3} <= states


def test_deterministic_given_seed(clock):
    a = build_host("2022", vms=30, switches=2, seed=3, clock=clock).to_json()
    b = build_host("2022", vms=30, switches=2, seed=3, clock=clock).to_json()
    c = build_host("2022", vms=30, switches=2, seed=4, clock=clock).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert json.dumps(a, sort_keys=True) != json.dumps(c, sort_keys=True)


def test_names_are_free_text_and_not_unique(clock):
    h = build_host("2022", vms=80, switches=1, seed=1, clock=clock, awkward_names=True)
    names = [v.properties["ElementName"] for v in vms(h)]
    assert len(set(names)) < len(names)
    assert 'it\'s "quoted"' in names and "back\\slash\\vm" in names and "ünïcødé-名前" in names
    plain = build_host("2022", vms=10, switches=1, seed=1, clock=clock)
    assert all(re.fullmatch(r"[a-z0-9-]+", v.properties["ElementName"]) for v in vms(plain))


def test_switches_and_host_nic(host):
    sws = {s.properties["ElementName"]: s for s in host.instances(NS, "Msvm_VirtualEthernetSwitch")}
    assert "Default Switch" in sws and "External" in sws
    ext = host.instances(NS, "Msvm_ExternalEthernetPort")
    assert ext and ext[0].properties["IsBound"] is True
    vessd = host.associators(NS, sws["External"], "Msvm_SettingsDefineState")[0]
    ports = host.associators(NS, vessd, "Msvm_VirtualEthernetSwitchSettingDataComponent")
    targets = {p.properties["HostResource"][0].split(":")[1].split(".")[0] for p in ports}
    assert targets == {"Msvm_ExternalEthernetPort", "Msvm_ComputerSystem"}


def test_cimv2_host_classes(host):
    os_ = host.instances("root/cimv2", "Win32_OperatingSystem")[0].properties
    assert os_["Version"] == "10.0.20348" and os_["CSName"] == host.computer_name
    product = host.instances("root/cimv2", "Win32_ComputerSystemProduct")[0].properties
    assert re.fullmatch(GUID, product["UUID"])
    wcs = host.get("root/cimv2", "Win32_ComputerSystem", {"Name": host.computer_name})
    cpus = host.associators("root/cimv2", wcs, "Win32_ComputerSystemProcessor", "Win32_Processor")
    assert len(cpus) == wcs.properties["NumberOfProcessors"] == 2
    assert cpus[0].properties["MaxClockSpeed"] > 0
    assert wcs.properties["TotalPhysicalMemory"] > 0


def test_os_version_per_persona(clock):
    for persona, version in (("2012r2", "6.3.9600"), ("2019", "10.0.17763"), ("2008r2", "6.1.7601")):
        h = build_host(persona, vms=1, clock=clock)
        assert h.instances("root/cimv2", "Win32_OperatingSystem")[0].properties["Version"] == version


def test_build_1000_vms_is_fast(clock):
    t = time.perf_counter()
    h = build_host("2022", vms=1000, switches=3, seed=5, clock=clock)
    elapsed = time.perf_counter() - t
    assert len(vms(h)) == 1000
    assert elapsed < 20, elapsed
    vm = vms(h)[500]
    assert h.get(NS, "Msvm_ComputerSystem", vm.key_selectors()) is vm


def test_definition_rows_for_templates(host):
    maxima = [
        p
        for p in host.instances(NS, "Msvm_ProcessorSettingData")
        if re.fullmatch(r"Microsoft:Definition\\[0-9A-F-]{36}\\Maximum", p.properties["InstanceID"])
    ]
    assert len(maxima) == 1 and maxima[0].properties["VirtualQuantity"] == host.info["logical"]
    defaults = [
        r
        for r in host.instances(NS, "Msvm_ResourceAllocationSettingData")
        if r.properties["InstanceID"].endswith("\\Default")
    ]
    assert "Microsoft:Hyper-V:Physical Disk Drive" in {r.properties["ResourceSubType"] for r in defaults}
    # not part of any VM
    assert not host.associators(NS, maxima[0], "Msvm_VirtualSystemSettingDataComponent")


def test_perf_counters_for_running_vcpus(host):
    running = vms(host, state="running")[0]
    rows = [
        r
        for r in host.instances("root/cimv2", "Win32_PerfRawData_HvStats_HyperVHypervisorVirtualProcessor")
        if r.properties["Name"].startswith(running.properties["ElementName"] + ":Hv VP ")
    ]
    assert rows and rows[0].properties["PercentTotalRunTime"] > 0


def test_template_through_pool_capabilities(host):
    """The Microsoft-sample way to a default RASD (5.8): primordial pool -> capabilities -> ValueRole 0."""
    pools = [
        p
        for p in host.instances(NS, "Msvm_ResourcePool")
        if p.properties["ResourceSubType"] == "Microsoft:Hyper-V:Synthetic Disk Drive" and p.properties["Primordial"]
    ]
    assert len(pools) == 1
    caps = host.associators(NS, pools[0], "Msvm_ElementCapabilities", "Msvm_AllocationCapabilities")[0]
    refs = host.references(NS, caps, "Msvm_SettingsDefineCapabilities")
    default = [r for r in refs if r.properties["ValueRole"] == 0 and r.properties["ValueRange"] == 0]
    assert len(default) == 1
    rasd = host.resolve(default[0].properties["PartComponent"])
    assert rasd.properties["InstanceID"].endswith("\\Default") and rasd.properties["ResourceType"] == 17
