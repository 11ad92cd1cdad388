# -*- coding: utf-8 -*-
# Copyright: wsman.hyperv contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Method return values and Hyper-V jobs: ReturnValue 0 means done, 4096 means a job was started
(poll it with Get on the Job reference until a terminal JobState), anything else is an error
named from the code tables (reference section 6)."""

from __future__ import annotations

import time

from ansible_collections.wsman.hyperv.plugins.module_utils import codes
from ansible_collections.wsman.hyperv.plugins.module_utils.errors import (
    JobError,
    JobTimeout,
    MalformedResponse,
    MethodError,
)

DEFAULT_TIMEOUT = 600.0
DEFAULT_INTERVAL = 0.2
DEFAULT_MAX_INTERVAL = 2.0


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def wait_for_job(client, job, timeout=DEFAULT_TIMEOUT, interval=DEFAULT_INTERVAL, max_interval=DEFAULT_MAX_INTERVAL,
                 sleep=None, clock=time.monotonic, context="", class_name=None, method=None):
    """Poll ``job`` (a Reference to any job class) until a terminal JobState; return the job Instance.

    The first Get happens at once; the pause between polls starts at ``interval`` and doubles up to
    ``max_interval``. ``sleep`` defaults to ``client.sleep`` (injectable for tests). ``context`` labels
    messages; ``class_name``/``method`` (the invoked method, when known) are set on a JobError."""
    sleep = sleep or getattr(client, "sleep", None) or time.sleep
    deadline = clock() + timeout
    pause = interval
    label = context or job.class_name
    while True:
        inst = client.get(job)
        state = _int(inst.get("JobState"))
        if state in codes.JOB_TERMINAL_OK:
            return inst
        if state in codes.JOB_TERMINAL_FAILED:
            raise _job_error(inst, state, job, label, class_name, method)
        if state is None:
            raise MalformedResponse("job %s of %s has no readable JobState (%r)"
                                    % (job.selectors.get("InstanceID", "?"), label, inst.get("JobState")))
        remaining = deadline - clock()
        if remaining <= 0:
            raise JobTimeout(
                "job %s of %s did not finish within %ss: still %s, %s%% complete"
                % (job.selectors.get("InstanceID", "?"), label, timeout, codes.job_state_name(state),
                   inst.get("PercentComplete", "?")),
                timeout=timeout, job_state=state, job_id=job.selectors.get("InstanceID"))
        sleep(min(pause, max(remaining, 0)))
        pause = min(pause * 2, max_interval)


def _job_error(inst, state, job, label, class_name=None, method=None):
    error_code = _int(inst.get("ErrorCode"))
    description = inst.get("ErrorDescription") or inst.get("ErrorSummaryDescription") or ""
    status = inst.get("JobStatus") or ""
    parts = ["job %s of %s ended %s" % (job.selectors.get("InstanceID", "?"), label, codes.job_state_name(state))]
    if error_code:
        parts.append("ErrorCode %s" % codes.return_code_meaning(error_code))
    if description:
        parts.append(str(description).strip())
    elif status:
        parts.append(str(status).strip())
    return JobError(": ".join(parts), job_state=state, error_code=error_code, error_description=description,
                    job_id=job.selectors.get("InstanceID"), class_name=class_name, method=method)


def check_result(result, client, timeout=DEFAULT_TIMEOUT, **poll):
    """0 → result; 4096 → wait for the Job (result.job_instance set); any other code → MethodError."""
    rv = result.return_value
    label = "%s.%s" % (result.class_name, result.method)
    if rv == codes.RETURN_OK:
        return result
    if rv == codes.RETURN_JOB_STARTED:
        job = result.job
        if job is None:
            raise MalformedResponse("%s returned 4096 (job started) without a Job reference" % label)
        poll.setdefault("context", label)
        result.job_instance = wait_for_job(client, job, timeout=timeout, class_name=result.class_name,
                                           method=result.method, **poll)
        return result
    meaning = codes.return_code_meaning(rv)
    raise MethodError("%s failed: ReturnValue %s" % (label, meaning), class_name=result.class_name,
                      method=result.method, return_value=rv, meaning=codes.RETURN_CODES.get(rv, "unknown"))


def invoke_and_wait(client, target, method, params=None, timeout=DEFAULT_TIMEOUT, selectors=None, **poll):
    """Invoke a method and settle its outcome with :func:`check_result`."""
    result = client.invoke(target, method, params, selectors=selectors)
    return check_result(result, client, timeout=timeout, **poll)
