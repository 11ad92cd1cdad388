"""Class tables per namespace and persona: `build_schema(persona)` -> Schema."""

from __future__ import annotations

from functools import cache

from ..personas import LEVELS, NS_CIMV2, NS_V1, NS_V2, get_persona
from .cim_base import CIM_BASE
from .cimv2 import CIMV2
from .types import ClassDef, MethodDef, ParamDef, PropDef, Schema, build_namespace, parse_tables
from .v1 import V1
from .v2 import V2

__all__ = ["ClassDef", "MethodDef", "ParamDef", "PropDef", "Schema", "build_schema"]

_TABLES = {NS_V2: CIM_BASE + V2, NS_V1: CIM_BASE + V1, NS_CIMV2: CIM_BASE + CIMV2}


@cache
def _raw(namespace):
    return parse_tables(_TABLES[namespace], LEVELS)


@cache
def build_schema(persona) -> Schema:
    p = get_persona(persona)
    return Schema({ns: build_namespace(_raw(ns), p.level) for ns in p.namespaces})
