from .conftest import emb, finish, invoke

IMS = "Msvm_ImageManagementService"


def _create(host, **props):
    return invoke(
        host, IMS, None, "CreateVirtualHardDisk", VirtualDiskSettingData=emb("Msvm_VirtualHardDiskSettingData", **props)
    )


def test_create_vhdx_appears_after_the_storage_job(host, clock):
    path = "C:\\Hyper-V\\Virtual Hard Disks\\new.vhdx"
    rv, out = _create(host, Path=path, Type="3", Format="3", MaxInternalSize=str(40 << 30))
    assert rv == 4096 and out["Job"].class_name == "Msvm_StorageJob"
    assert invoke(host, IMS, None, "GetVirtualHardDiskSettingData", Path=path)[0] == 32779
    job = finish(host, clock, out)
    assert job.class_name == "Msvm_StorageJob" and job.properties["JobState"] == 7
    rv, out = invoke(host, IMS, None, "GetVirtualHardDiskSettingData", Path=path)
    assert rv == 0
    sd = out["SettingData"].properties
    assert (sd["Path"], sd["Type"], sd["Format"], sd["MaxInternalSize"]) == (path, 3, 3, 40 << 30)


def test_create_refusals(host, clock):
    base = "C:\\Hyper-V\\Virtual Hard Disks\\base-2022.vhdx"
    rv, out = _create(host, Path=base, Type="3", Format="3", MaxInternalSize="1073741824")
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 10
    rv, out = _create(host, Path="C:\\Hyper-V\\x.vhd", Type="3", Format="3", MaxInternalSize="1073741824")
    assert "extension" in finish(host, clock, out).properties["ErrorDescription"]
    rv, out = _create(host, Path="C:\\Hyper-V\\odd.vhdx", Type="3", Format="3", MaxInternalSize="1000")
    assert finish(host, clock, out).properties["ErrorCode"] == 32773
    assert _create(host, Path="relative\\disk.vhdx", Type="3", Format="3", MaxInternalSize="1073741824")[0] == 32773
    assert _create(host, Path="C:\\Hyper-V\\diff.vhdx", Type="4", Format="3", ParentPath="C:\\nope.vhdx")[0] == 32779
    rv, out = _create(host, Path="C:\\Hyper-V\\diff.vhdx", Type="4", Format="3", ParentPath=base)
    assert rv == 4096 and finish(host, clock, out).properties["JobState"] == 7
    assert host.files["c:\\hyper-v\\diff.vhdx"]["parent"] == base


def test_resize_and_missing_files(host, clock):
    base = "C:\\Hyper-V\\Virtual Hard Disks\\base-ubuntu.vhdx"
    size = host.files[base.lower()]["size"]
    rv, out = invoke(host, IMS, None, "ResizeVirtualHardDisk", Path=base, MaxInternalSize=str(size * 2))
    assert rv == 4096 and out["Job"].class_name == "Msvm_StorageJob"
    assert finish(host, clock, out).properties["JobState"] == 7 and host.files[base.lower()]["size"] == size * 2
    assert invoke(host, IMS, None, "ResizeVirtualHardDisk", Path=base, MaxInternalSize="1000")[0] == 32773
    assert invoke(host, IMS, None, "ResizeVirtualHardDisk", Path="C:\\nope.vhdx", MaxInternalSize="512")[0] == 32779
    assert invoke(host, IMS, None, "GetVirtualHardDiskSettingData", Path="C:\\ISO\\virtio-win.iso")[0] == 32779
