"""Registries filled by the model modules: computed properties, timed events and methods."""

from __future__ import annotations

COMPUTED: dict = {}  # class name -> fn(instance, props dict) patching properties on read
EVENTS: dict = {}  # event kind -> fn(host, payload dict)
METHODS: dict = {}  # (class name, method name) -> fn(host, namespace, target Instance|None, params dict)


def computed(*class_names):
    def deco(fn):
        for c in class_names:
            COMPUTED[c] = fn
        return fn

    return deco


def event(kind):
    def deco(fn):
        EVENTS[kind] = fn
        return fn

    return deco


def method(class_name, *method_names):
    def deco(fn):
        for m in method_names:
            METHODS[(class_name, m)] = fn
        return fn

    return deco
