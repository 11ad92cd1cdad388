"""Host personalities: which WMI namespaces a host answers and the WinRM/OS values it reports.

Sources: reference 1.7 (WinRM quotas), 5.14 (OS Version -> release), 5b.1 (namespaces per
release), 10.3 O1 (Identify ProductVersion).
"""

from __future__ import annotations

from dataclasses import dataclass

NS_V1 = "root/virtualization"
NS_V2 = "root/virtualization/v2"
NS_CIMV2 = "root/cimv2"


@dataclass(frozen=True)
class Persona:
    name: str
    level: int  # ordering of releases; schema properties carry the level they appeared at
    os_version: str  # Win32_OperatingSystem.Version
    os_caption: str
    namespaces: tuple  # WMI namespaces this host answers
    max_envelope_kb: int
    max_ops_per_user: int
    identify_product_version: str
    vm_config_version: str  # VSSD.Version of new VMs
    service_pack: str = "0.0"

    @property
    def is_v1(self) -> bool:
        """2008 R2: the v1 object model only."""
        return NS_V2 not in self.namespaces

    @property
    def build_number(self) -> str:
        return self.os_version.rsplit(".", 1)[-1]

    @property
    def vm_namespace(self) -> str:
        """The namespace whose object model the persona's VMs are built in."""
        return NS_V1 if self.is_v1 else NS_V2


def _p(name, level, version, caption, namespaces, stack="3.0", sp="0.0", env=500, ops=1500, cfg="5.0"):
    return Persona(
        name=name,
        level=level,
        os_version=version,
        os_caption=caption,
        namespaces=namespaces,
        max_envelope_kb=env,
        max_ops_per_user=ops,
        identify_product_version=f"OS: {version} SP: {sp} Stack: {stack}",
        vm_config_version=cfg,
        service_pack=sp,
    )


# level: 0 = 2008 R2, 1 = 2012, 2 = 2012 R2, 3 = 2016, 4 = 2019, 5 = 2022, 6 = 2025
LEVELS = {"2008r2": 0, "2012": 1, "2012r2": 2, "2016": 3, "2019": 4, "2022": 5, "2025": 6}

PERSONAS = {
    p.name: p
    for p in (
        _p(
            "2008r2",
            0,
            "6.1.7601",
            "Microsoft Windows Server 2008 R2 Enterprise",
            (NS_V1, NS_CIMV2),
            stack="2.0",
            sp="1.0",
            env=150,
            ops=15,
            cfg="3.0",
        ),
        _p("2012", 1, "6.2.9200", "Microsoft Windows Server 2012 Datacenter", (NS_V2, NS_V1, NS_CIMV2), cfg="4.0"),
        _p("2012r2", 2, "6.3.9600", "Microsoft Windows Server 2012 R2 Datacenter", (NS_V2, NS_CIMV2), cfg="5.0"),
        _p("2016", 3, "10.0.14393", "Microsoft Windows Server 2016 Datacenter", (NS_V2, NS_CIMV2), cfg="8.0"),
        _p("2019", 4, "10.0.17763", "Microsoft Windows Server 2019 Datacenter", (NS_V2, NS_CIMV2), cfg="9.0"),
        _p("2022", 5, "10.0.20348", "Microsoft Windows Server 2022 Datacenter", (NS_V2, NS_CIMV2), cfg="10.0"),
        _p("2025", 6, "10.0.26100", "Microsoft Windows Server 2025 Datacenter", (NS_V2, NS_CIMV2), cfg="12.0"),
    )
}


def get_persona(name) -> Persona:
    if isinstance(name, Persona):
        return name
    key = str(name).lower().replace(" ", "").replace("-", "")
    if key not in PERSONAS:
        raise ValueError(f"unknown persona {name!r}; known: {', '.join(PERSONAS)}")
    return PERSONAS[key]
