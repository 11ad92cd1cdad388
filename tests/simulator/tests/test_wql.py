"""WQL parser and evaluator against the model: reference 3.3, 10.3 O4."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from .. import wql
from ..dispatch import _run_wql
from ..errors import InvalidQuery
from ..soap import WsmanFault

NS2 = "root/virtualization/v2"


@pytest.fixture(scope="module")
def sim():
    from ..model import build_host

    return SimpleNamespace(host=build_host(persona="2022", vms=3, switches=1))


def names(sim, query, ns=NS2):
    items, _unused, _unused = _run_wql(sim, ns, query)
    return sorted(i.properties.get("ElementName") or i.class_name for i in items)


def vms(sim):
    return [i for i in sim.host.instances(NS2, "Msvm_ComputerSystem") if i.properties["Name"] != sim.host.computer_name]


def test_server_system_property(sim):
    all_cs = names(sim, "SELECT * FROM Msvm_ComputerSystem")
    guests = names(sim, "SELECT * FROM Msvm_ComputerSystem WHERE Name != __SERVER ")
    host = names(sim, "select * from msvm_computersystem where Name = __SERVER")
    assert len(all_cs) == 4 and len(guests) == 3 and host == [sim.host.computer_name]


def test_comparison_operators(sim):
    pids = {v.properties["ElementName"]: v.properties["ProcessID"] for v in vms(sim)}
    pivot = sorted(pids.values())[1]
    assert len(set(pids.values())) == 3
    cases = (
        ("=", lambda a: a == pivot),
        ("<>", lambda a: a != pivot),
        ("!=", lambda a: a != pivot),
        ("<", lambda a: a < pivot),
        (">", lambda a: a > pivot),
        ("<=", lambda a: a <= pivot),
        (">=", lambda a: a >= pivot),
    )
    for op, fn in cases:
        want = sorted(n for n, s in pids.items() if fn(s))
        got = names(sim, f"SELECT * FROM Msvm_ComputerSystem WHERE Name <> __SERVER AND ProcessID {op} {pivot}")
        assert got == want, op
    states = {v.properties["ElementName"]: v.properties["EnabledState"] for v in vms(sim)}
    assert names(sim, "SELECT * FROM Msvm_ComputerSystem WHERE 2 = EnabledState AND Name<>__SERVER") == sorted(
        n for n, s in states.items() if s == 2
    )


def test_strings_case_insensitive_and_escapes(sim):
    vm = vms(sim)[0]
    name = vm.properties["ElementName"]
    assert names(sim, f"SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '{name.upper()}'") == [name]
    assert names(sim, f'SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "{name}"') == [name]
    q = wql.parse(r"SELECT * FROM X WHERE A = 'it\'s \\ \"q\"'")
    assert q.where == ("cmp", "A", "=", 'it\'s \\ "q"')


def test_like_patterns(sim):
    vm = vms(sim)[0]
    name = vm.properties["ElementName"]
    base = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName LIKE "
    assert name in names(sim, base + f"'%{name[1:-1]}%'")
    assert names(sim, base + f"'{name[0]}_{name[2:]}'") == [name]
    assert names(sim, base + f"'[{name[0].lower()}{name[0].upper()}]{name[1:]}'") == [name]
    assert name not in names(sim, base + f"'[^{name[0]}]%'")
    assert names(sim, base + "'%%'") == sorted(names(sim, "SELECT * FROM Msvm_ComputerSystem"))
    assert wql.like_regex("50[%]").fullmatch("50%") and not wql.like_regex("50[%]").fullmatch("500")
    assert wql.like_regex("a[b-d]e").fullmatch("ACE")
    assert name not in names(sim, f"SELECT * FROM Msvm_ComputerSystem WHERE NOT ElementName LIKE '{name}'")


def test_null_tests_not_and_precedence(sim):
    assert len(names(sim, "SELECT * FROM Msvm_ComputerSystem WHERE InstanceID IS NULL")) == 4
    assert names(sim, "SELECT * FROM Msvm_ComputerSystem WHERE InstanceID IS NOT NULL") == []
    a, b = (v.properties["ElementName"] for v in vms(sim)[:2])
    q = f"SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '{a}' OR ElementName = '{b}' AND Name = __SERVER"
    assert names(sim, q) == [a]  # AND binds tighter than OR
    q = f"SELECT * FROM Msvm_ComputerSystem WHERE (ElementName = '{a}' OR ElementName = '{b}') AND Name = __SERVER"
    assert names(sim, q) == []
    q = f"SELECT * FROM Msvm_ComputerSystem WHERE NOT (ElementName = '{a}') AND Name != __SERVER"
    assert a not in names(sim, q) and len(names(sim, q)) == 2


def test_no_blank_before_keyword_and_booleans(sim):
    vm = vms(sim)[0]
    vssd = sim.host.associators(NS2, vm, assoc_class="Msvm_SettingsDefineState")[0]
    iid = vssd.properties["InstanceID"]
    q = (
        f"SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID='{iid}'AND VirtualSystemType = "
        "'Microsoft:Hyper-V:System:Realized'"
    )
    assert len(_run_wql(sim, NS2, q)[0]) == 1
    bools = [p.name for p in vssd.class_def.properties if p.cim_type == "boolean" and not p.is_array]
    prop = bools[0]
    val = vssd.properties[prop]
    if val is not None:
        q = f"SELECT * FROM Msvm_VirtualSystemSettingData WHERE InstanceID='{iid}' AND {prop} = {str(val).upper()}"
        assert len(_run_wql(sim, NS2, q)[0]) == 1


def test_path_system_property(sim):
    vm = vms(sim)[0]
    path = vm.path().replace("\\", "\\\\")  # as a WQL literal, backslashes doubled again
    q = f"SELECT * FROM Msvm_ComputerSystem WHERE __PATH = '{path}'"
    assert names(sim, q) == [vm.properties["ElementName"]]


def test_projection(sim):
    _items, cls, opts = _run_wql(sim, NS2, "select Name, ElementName from Msvm_ComputerSystem")
    assert opts["projection"] == ["Name", "ElementName"] and cls == "Msvm_ComputerSystem"
    with pytest.raises(InvalidQuery):
        _run_wql(sim, NS2, "select Bogus from Msvm_ComputerSystem")


def test_associators_forms(sim):
    vm = vms(sim)[0]
    guid = vm.properties["Name"]
    q1 = (
        f"ASSOCIATORS OF {{Msvm_ComputerSystem.CreationClassName='Msvm_ComputerSystem',Name='{guid.lower()}'}} "
        "WHERE AssocClass = Msvm_SettingsDefineState ResultClass = Msvm_VirtualSystemSettingData"
    )
    items, cls, _unused = _run_wql(sim, NS2, q1)
    assert [i.class_name for i in items] == ["Msvm_VirtualSystemSettingData"] and cls == "Msvm_VirtualSystemSettingData"
    q2 = (
        f"associators of {{\\\\{sim.host.computer_name}\\Root\\Virtualization\\V2:Msvm_ComputerSystem."
        f'CreationClassName="Msvm_ComputerSystem",Name="{guid}"}} where assocclass=Msvm_SettingsDefineState'
    )
    assert len(_run_wql(sim, NS2, q2)[0]) == 1
    items, _unused, opts = _run_wql(sim, NS2, q1 + " KeysOnly")
    assert opts["keys_only"]
    all_assoc = _run_wql(sim, NS2, f"ASSOCIATORS OF {{{vm.path()}}}")[0]
    assert len(all_assoc) > 1
    classes = _run_wql(sim, NS2, f"ASSOCIATORS OF {{{vm.path()}}} WHERE ClassDefsOnly")[0]
    assert len({i.class_name for i in classes}) == len(classes)
    with pytest.raises(InvalidQuery):
        wql.parse(f"ASSOCIATORS OF {{{vm.path()}}} WHERE ClassDefsOnly ResultClass = X")
    with pytest.raises(InvalidQuery):
        wql.parse(f"ASSOCIATORS OF {{{vm.path()}}} WHERE AssocClass = A AND ResultClass = B")


def test_references_of(sim):
    vm = vms(sim)[0]
    refs = _run_wql(sim, NS2, f"REFERENCES OF {{{vm.path()}}} WHERE ResultClass = Msvm_SettingsDefineState")[0]
    assert [r.class_name for r in refs] == ["Msvm_SettingsDefineState"]
    with pytest.raises(InvalidQuery):
        wql.parse(f"REFERENCES OF {{{vm.path()}}} WHERE AssocClass = X")


def test_cimv2_associators_processor(sim):
    name = sim.host.computer_name
    q = f"ASSOCIATORS OF {{Win32_ComputerSystem.Name='{name}'}} WHERE AssocClass = Win32_ComputerSystemProcessor"
    items = _run_wql(sim, "root/cimv2", q)[0]
    assert items and {i.class_name for i in items} == {"Win32_Processor"}


def test_unknown_class_is_cannot_process_filter(sim):
    with pytest.raises(WsmanFault) as exc:
        _run_wql(sim, NS2, "SELECT * FROM Msvm_Nope")
    assert exc.value.subcode == "n:CannotProcessFilter"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "SELECT",
        "SELECT * Msvm_ComputerSystem",
        "SELECT * FROM A WHERE (B = 1",
        "SELECT * FROM A WHERE B = ",
        "SELECT * FROM A WHERE B IS 5",
        "SELECT * FROM A WHERE B LIKE 5",
        "DELETE FROM A",
        "SELECT * FROM A extra",
        "SELECT * FROM A WHERE B = C",
        "ASSOCIATORS OF Msvm_ComputerSystem",
        "SELECT * FROM A WHERE B = 'unterminated",
    ],
)
def test_syntax_errors(bad):
    with pytest.raises(InvalidQuery):
        wql.parse(bad)


def test_like_brackets_with_regex_metacharacters_inside():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert wql.like_regex("a[[x]b").fullmatch("a[b")
        assert wql.like_regex("x[&|~]%").fullmatch("x|yz")
        assert not wql.like_regex("[^a]").fullmatch("A")  # case-insensitive negation


def test_like_literal_open_bracket_set_gives_no_future_warning():
    """`[[]` is WQL's literal `[` (it once compiled to a regex that warned "Possible nested set")."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rx = wql.like_regex("[[]%]")
        assert rx.fullmatch("[x]") and not rx.fullmatch("x]")
        assert wql.like_regex("%[[]v1]").fullmatch("disk [v1]")
        assert wql.like_regex("[^[]%").fullmatch("a[") and not wql.like_regex("[^[]%").fullmatch("[a")
        assert wql.like_regex("a[[-]b").fullmatch("a-b") and wql.like_regex("a[[-]b").fullmatch("a[b")
