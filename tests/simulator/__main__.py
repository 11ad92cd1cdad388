"""Command line: python -m tests.simulator --host 127.0.0.1 --port 0 --user admin --password secret ..."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .auth import parse_methods
from .personas import PERSONAS
from .server import SimHost, load_or_build, state_file_for


def parse_args(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.simulator", description="Hyper-V WS-Man simulator")
    ap.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="first port; 0 picks free ports")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default="secret")
    ap.add_argument("--vms", type=int, default=3)
    ap.add_argument("--switches", type=int, default=1)
    ap.add_argument("--hyperv-version", default="2022", choices=sorted(PERSONAS))
    ap.add_argument("--computer-name", default="HV-SIM01")
    ap.add_argument("--tls", action="store_true", help="HTTPS with a self-signed certificate (or --cert/--key)")
    ap.add_argument(
        "--https-port",
        type=int,
        help="without --tls: also serve the same host over HTTPS on this port (0 picks a free one), as a host "
        "listens on 5985 and 5986; consecutive ports with --hosts",
    )
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument(
        "--auth",
        default="basic,ntlm",
        help="enabled auth methods, comma-separated: basic, ntlm (default basic,ntlm); ntlm = Service/Auth/Negotiate",
    )
    ap.add_argument("--no-basic", action="store_true", help="Service/Auth/Basic=false (same as dropping basic from --auth)")
    ap.add_argument("--no-unencrypted", action="store_true", help="AllowUnencrypted=false: 401 on plain HTTP")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--enum-timeout", type=float, default=240.0, help="EnumerationTimeoutms in seconds")
    ap.add_argument("--state", help="JSON file keeping the model between runs")
    ap.add_argument("--hosts", type=int, default=1, help="serve K independent hosts on consecutive ports")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--no-guest-os",
        action="store_true",
        help="VMs created through DefineSystem get no guest data (KVP FQDN/OS, NIC addresses)",
    )
    args = ap.parse_args(argv)
    try:
        methods = set(parse_methods(args.auth))
        if args.no_basic:
            methods.discard("basic")
        args.auth = parse_methods(methods)
    except ValueError as exc:
        ap.error(str(exc))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    sims = []
    for i in range(max(1, args.hosts)):
        name = args.computer_name if args.hosts == 1 else f"{args.computer_name}-{i + 1}"
        state = state_file_for(args.state, i + 1, args.hosts)
        model = load_or_build(
            state,
            persona=args.hyperv_version,
            vms=args.vms,
            switches=args.switches,
            computer_name=name,
            seed=args.seed + i,
            guest_os_for_new_vms=not args.no_guest_os,
        )
        sim = SimHost(
            model,
            {args.user: args.password},
            bind=args.host,
            port=(args.port + i) if args.port else 0,
            tls=args.tls,
            certfile=args.cert,
            keyfile=args.key,
            auth=args.auth,
            allow_unencrypted=not args.no_unencrypted,
            enum_timeout_s=args.enum_timeout,
            state_file=state,
            seed=args.seed + i,
            https_port=None if args.https_port is None else (args.https_port + i if args.https_port else 0),
        )
        sim.start()
        sim.inject(latency_ms=args.latency_ms, fault_rate=args.fault_rate)
        sims.append(sim)
        print(f"listening on {sim.url}", flush=True)
        if not args.tls and sim.https_url:
            print(f"listening on {sim.https_url}", flush=True)
    done = threading.Event()

    def stop(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not done.wait(0.5):
        pass
    for sim in sims:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
