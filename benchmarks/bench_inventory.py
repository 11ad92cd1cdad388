#!/usr/bin/env python
"""Benchmark of the wsman.hyperv.hyperv inventory plugin against the Hyper-V simulator.

Scenarios (targets from the inventory issue):
  single   1 host x 1000 VMs, 10 ms latency per request: plugin.parse() in-process      target < 1 s
  many     50 hosts x 100 VMs, 20 ms latency per request: plugin.parse() in-process     target < 2 s
  rss      `ansible-inventory --list` over 10,000 VMs (subprocess): peak RSS            target < 300 MB

The simulators run in separate processes (python -m tests.simulator ...), so their CPU does not share this
process's GIL. Request counts come from the simulator's request log (GET /_sim/stats on each host, when
the simulator serves it; otherwise they are not shown).

Usage: .venv/bin/python benchmarks/bench_inventory.py [single] [many] [rss] [--sim-procs N] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
PASSWORD = "bench-secret"
COLLECTIONS = os.path.join(ROOT, ".build", "collections")


class Simulators:
    """K simulated hosts in P processes (python -m tests.simulator --hosts K/P ...)."""

    def __init__(self, hosts, vms, latency_ms, procs=1):
        self.procs = []
        self.urls = []
        procs = max(1, min(procs, hosts))
        per = [hosts // procs + (1 if i < hosts % procs else 0) for i in range(procs)]
        for index, count in enumerate(per):
            cmd = [
                sys.executable, "-m", "tests.simulator", "--port", "0", "--user", "admin", "--password", PASSWORD,
                "--vms", str(vms), "--hosts", str(count), "--latency-ms", str(latency_ms),
                "--computer-name", "HV-B%d" % index, "--seed", str(index * 1000),
            ]  # fmt: skip
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.procs.append(proc)
            for _index in range(count):
                line = proc.stdout.readline()
                match = re.search(r"listening on (\S+)", line)
                if not match:
                    self.close()
                    raise RuntimeError("simulator did not start: %r %s" % (line, proc.stderr.read()[-2000:]))
                self.urls.append(match.group(1))

    def uris(self):
        out = []
        for url in self.urls:
            match = re.match(r"(https?)://([^/]+)/", url)
            out.append("hyperv://%s/?transport=%s" % (match.group(2), match.group(1)))
        return out

    def stats(self):
        """Total requests per host from GET /_sim/stats, or None when the simulator has no such endpoint."""
        totals = []
        for url in self.urls:
            try:
                with urllib.request.urlopen(url.replace("/wsman", "/_sim/stats"), timeout=5) as resp:
                    totals.append(json.loads(resp.read().decode()))
            except Exception:
                return None
        return totals

    def reset(self):
        """POST /_sim/reset on every host (request counters to zero), when the simulator serves it."""
        for url in self.urls:
            try:
                req = urllib.request.Request(url.replace("/wsman", "/_sim/reset"), data=b"{}", method="POST")
                urllib.request.urlopen(req, timeout=5).close()
            except Exception:
                return

    def close(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_config(directory, uris, workers, extra=""):
    path = os.path.join(directory, "bench.hyperv.yml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("plugin: wsman.hyperv.hyperv\nusername: admin\npassword: %s\n" % PASSWORD)
        if workers:  # otherwise the plugin's default
            handle.write("max_workers: %d\n" % workers)
        handle.write("hosts:\n" + "".join("  - '%s'\n" % u for u in uris) + extra)
    return path


def request_summary(sims, runs=1):
    """Requests per host and run (the simulators' logs cover all ``runs`` of one scenario)."""
    stats = sims.stats()
    if not stats:
        return "request counts: n/a (no /_sim/stats endpoint)"
    totals = [s.get("total", 0) / runs for s in stats]
    pulls = [s.get("actions", {}).get("Pull", 0) / runs for s in stats]
    return "requests per host and run: min %g max %g (of which Pulls: max %g); all hosts: %g" % (
        min(totals),
        max(totals),
        max(pulls),
        sum(totals),
    )


def in_process(hosts, vms, latency, workers, procs, target, repeat=3):
    from tests.integration.inventory.inprocess import load_plugin, parse

    print(
        "\n== %d host(s) x %d VMs, %g ms latency, max_workers %s (target < %.1f s)"
        % (hosts, vms, latency, workers or "default", target)
    )
    with Simulators(hosts, vms, latency, procs) as sims, tempfile.TemporaryDirectory() as tmp:
        path = write_config(tmp, sims.uris(), workers)
        best = None
        for run in range(repeat):
            plugin = load_plugin()
            start, cpu_start = time.perf_counter(), time.process_time()
            data, plugin = parse(path, cache=False, plugin=plugin)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            count = len(data.hosts)
            assert count == hosts * vms, "expected %d inventory hosts, got %d" % (hosts * vms, count)
            slowest = max(s["seconds"] for s in plugin.stats.values())
            trips = sorted({s["round_trips"] for s in plugin.stats.values()})
            fetch_cpu = sum(s.get("cpu_seconds", 0) for s in plugin.stats.values())
            print(
                "  run %d: parse() %.3f s wall, %.3f s CPU in this process (of which %.3f s in the fetch threads: "
                "driver + gather_vms), for %d VMs (slowest host fetch %.3f s; client round trips per host %s)"
                % (run + 1, seconds, cpu, fetch_cpu, count, slowest, trips)
            )
            best = seconds if best is None else min(best, seconds)
        print("  " + request_summary(sims, runs=repeat))
        verdict = "OK" if best < target else "OVER TARGET"
        print("  best %.3f s -> %s" % (best, verdict))
        return best


def run_inventory(path):
    """ansible-inventory -i path --list as a child process -> (peak RSS MB, seconds, stdout, stderr, rc)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_INVENTORY_ENABLED="wsman.hyperv.hyperv")
    exe = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen([exe, "-i", path, "--list"], stdout=out_file, stderr=err_file, env=env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        return usage.ru_maxrss / 1024.0, seconds, out_file.read(), err_file.read(), os.waitstatus_to_exitcode(status)


def peak_rss(vms, workers, target_mb=300):
    print("\n== ansible-inventory --list over %d VMs (target peak RSS < %d MB)" % (vms, target_mb))
    start = time.perf_counter()
    with Simulators(1, vms, 0, 1) as sims, tempfile.TemporaryDirectory() as tmp:
        print("  simulator with %d VMs ready in %.1f s" % (vms, time.perf_counter() - start))
        cache = "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % os.path.join(tmp, "c")
        result = None
        runs = (("no cache", ""), ("filling the cache", cache), ("from the cache", cache))
        for label, extra in runs:
            path = write_config(tmp, sims.uris(), workers, extra)
            sims.reset()
            rss_mb, seconds, out, err, rc = run_inventory(path)
            if rc != 0:
                print("  ansible-inventory failed (%d): %s" % (rc, err.decode()[-2000:]))
                return None
            count = len(json.loads(out)["_meta"]["hostvars"])
            verdict = "OK" if rss_mb < target_mb else "OVER TARGET"
            print(
                "  %s: %d VMs listed in %.2f s, output %.1f MB, peak RSS %.0f MB -> %s; %s"
                % (label, count, seconds, len(out) / 1e6, rss_mb, verdict, request_summary(sims))
            )
            if PASSWORD.encode() in out or PASSWORD.encode() in err:
                print("  ERROR: the password appears in the output")
            if result is None:
                result = rss_mb
        return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", default=["single", "many", "rss"], choices=["single", "many", "rss"])
    ap.add_argument("--sim-procs", type=int, default=10, help="simulator processes for the 50-host scenario")
    ap.add_argument("--workers", type=int, default=None, help="max_workers (default: the plugin's default)")
    ap.add_argument("--rss-vms", type=int, default=10000)
    args = ap.parse_args(argv)
    workers = args.workers
    if "single" in args.scenarios:
        in_process(1, 1000, 10, workers, 1, 1.0)
    if "many" in args.scenarios:
        in_process(50, 100, 20, workers, args.sim_procs, 2.0)
    if "rss" in args.scenarios:
        peak_rss(args.rss_vms, workers)


if __name__ == "__main__":
    main()
