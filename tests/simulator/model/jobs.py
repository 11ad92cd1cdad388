"""Msvm_ConcreteJob / Msvm_StorageJob that run lazily in time (reference 5.13, 6.5, 9.4 J3, 10.4 M4).

A job started at t0 with duration d is Running (4) until t0+d, then Completed (7) or
Exception (10, with ErrorCode/ErrorDescription); its effects are applied by a timed event at
t0+d and it disappears TimeBeforeRemoval (5 minutes, Timing.job_retention_s) later.
"""

from __future__ import annotations

import datetime as dt

from .registry import EVENTS, computed, event

NEVER_ENDS = float("inf")


def start_job(host, namespace, job_type, caption, duration=None, affected=(), on_done=None, error=None, storage=False):
    """Create a job. affected: [(Instance, [effects])]; on_done: (event kind, payload) applied at the end
    unless the job fails; error: (ErrorCode, description) for a job that ends in Exception."""
    d = host.timing.job_s if duration is None else duration
    d += host.inject.slow_jobs_s
    if host.inject.fail_jobs and error is None:
        error = (32768, f"'{caption}' failed: the operation was aborted by fault injection.")
    if host.inject.stuck_state:
        d = NEVER_ENDS
    now = host.now()
    guid = host.new_guid()
    submitted = host.wall(now)
    values = {
        "InstanceID": guid,
        "Caption": caption,
        "Description": caption,
        "ElementName": caption,
        "Name": caption,
        "JobType": job_type,
        "TimeSubmitted": submitted,
        "StartTime": submitted,
        "ScheduledStartTime": submitted,
        "_start_at": now,
        "_end_at": now + d,
        "_error": list(error) if error else None,
        "_on_done": [on_done[0], on_done[1]] if on_done else None,
    }
    cls = "Msvm_StorageJob" if storage else "Msvm_ConcreteJob"
    job = host.add(namespace, cls, values)
    for inst, effects in affected:
        host.link(
            "Msvm_AffectedJobElement",
            "AffectedElement",
            inst,
            "AffectingElement",
            job,
            {"ElementEffects": list(effects)},
        )
    if d != NEVER_ENDS:
        host.schedule(d, "job_end", job=guid, ns=namespace, cls=cls)
    return job


def _job(host, payload):
    return host.find(payload["ns"], payload["cls"], payload["job"])


@event("job_end")
def _job_end(host, payload):
    job = _job(host, payload)
    if job is None:
        return
    on_done = job.values.get("_on_done")
    if on_done and not job.values.get("_error"):
        kind, data = on_done
        EVENTS[kind](host, dict(data, _due=payload["_due"], _job=job))
    elif on_done and job.values.get("_error"):
        fail = dict(on_done[1]).get("on_fail")
        if fail:
            EVENTS[fail](host, dict(on_done[1], _due=payload["_due"], _job=job))
    host.schedule(host.timing.job_retention_s - (host.now() - payload["_due"]), "job_remove", **_strip(payload))


def _strip(payload):
    return {k: v for k, v in payload.items() if not k.startswith("_")}


@event("job_remove")
def _job_remove(host, payload):
    job = _job(host, payload)
    if job is not None:
        host.remove(job)


def job_state(host, job):
    now = host.now()
    v = job.values
    if now < v["_end_at"]:
        return 4
    return 10 if v.get("_error") else 7


@computed("Msvm_ConcreteJob", "Msvm_StorageJob")
def _job_props(job, out):
    host = job.host
    v = job.values
    now = host.now()
    start, end = v["_start_at"], v["_end_at"]
    state = job_state(host, job)
    out["JobState"] = state
    done_at = min(now, end)
    out["ElapsedTime"] = dt.timedelta(seconds=round(max(0.0, done_at - start), 6))
    if state == 4:
        span = end - start
        out["PercentComplete"] = 0 if span == float("inf") else min(99, int(100 * (now - start) / span)) if span else 0
        out["JobStatus"] = "Job is running"
        out["ErrorCode"] = 0
        out["TimeOfLastStateChange"] = host.wall(start)
    else:
        out["PercentComplete"] = 100
        out["TimeOfLastStateChange"] = host.wall(end)
        if state == 10:
            code, text = v["_error"]
            out["ErrorCode"] = code
            out["ErrorDescription"] = text
            out["ErrorSummaryDescription"] = text.split(".")[0]
            out["JobStatus"] = "Exception"
            if "JobCompletionStatusCode" in out:
                out["JobCompletionStatusCode"] = 0x80004005
        else:
            out["ErrorCode"] = 0
            out["JobStatus"] = "Job completed successfully"
            if "JobCompletionStatusCode" in out:
                out["JobCompletionStatusCode"] = 0


def job_errors(job):
    """CIM_Error instances describing a failed job (empty while running or after success)."""
    from .instance import Instance

    err = job.values.get("_error")
    if not err or job_state(job.host, job) != 10:
        return []
    code, text = err
    cd = job.host.schema.get_class(job.namespace, "CIM_Error")
    return [
        Instance(
            job.host,
            job.namespace,
            cd,
            {
                "CIMStatusCode": 1,
                "CIMStatusCodeDescription": "CIM_ERR_FAILED",
                "ErrorType": 4,
                "PerceivedSeverity": 3,
                "ErrorSource": job.values.get("Caption"),
                "ErrorSourceFormat": 0,
                "Message": text,
                "MessageID": str(code),
                "OwningEntity": "Microsoft-Windows-Hyper-V-VMMS",
                "ProbableCause": 0,
                "MessageArguments": [],
            },
        )
    ]


def _register():
    from .registry import method

    def get_error(host, ns, job, params):
        errs = job_errors(job)
        return 0, {"Error": errs[0] if errs else None}

    def get_error_ex(host, ns, job, params):
        return 0, {"Errors": job_errors(job) or None}

    for cls in ("Msvm_ConcreteJob", "Msvm_StorageJob"):
        method(cls, "GetError")(get_error)
    method("Msvm_ConcreteJob", "GetErrorEx")(get_error_ex)


_register()
