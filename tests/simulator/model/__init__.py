"""The simulator's model: a Hyper-V host's state and behaviour (see ../DESIGN.md for the contract)."""

from __future__ import annotations

from ..schema import ClassDef, MethodDef, ParamDef, PropDef
from . import datafiles, jobs, kvp, snapshots, storage, summary, switches, video, vms, vsms, vsms_v1  # noqa: F401  (registers)
from .host import Host, Inject, Timing
from .instance import Instance
from .populate import build_host

__all__ = ["ClassDef", "Host", "Inject", "Instance", "MethodDef", "ParamDef", "PropDef", "Timing", "build_host"]
