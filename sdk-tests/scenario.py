#!/usr/bin/env python3
"""The official Huawei Cloud Python SDK against `fgs-local serve` (issue 9, "Proved with the
official SDK").

Every call goes through the SDK's own `FunctionGraphClient` with `BasicCredentials` (AK/SK
signing, `SDK-HMAC-SHA256`), nothing is sent by hand. Each step is one check with a clear
message; the last line is `N passed, M failed` and the exit status is non-zero on any failure.

    python scenario.py --endpoint http://127.0.0.1:8000 --ak AK --sk SK [--project-id P]
"""

import argparse
import base64
import io
import json
import os
import sys
import time
import traceback
import zipfile

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkfunctiongraph.v2 import FunctionGraphClient
from huaweicloudsdkfunctiongraph.v2 import model as m

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WASM = os.path.join(HERE, "..", "fixtures", "wasm", "echo.wasm")
# fgs_runtime::DEFAULT_PROJECT_ID: the project `fgs-local serve` starts with.
DEFAULT_PROJECT = "0123456789abcdef0123456789abcdef"
EVENT = {"hello": "sdk", "items": [1, 2, 3], "nested": {"ok": True}}


class Checks:
    """Counts checks; a failing step is reported and the scenario goes on where it can."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        if cond:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}{': ' + detail if detail else ''}")
        return cond

    def step(self, what, fn):
        """Runs `fn` (which makes its own checks); an exception fails the step."""
        try:
            return fn()
        except ClientRequestException as e:
            self.ok(False, what, f"HTTP {e.status_code} {e.error_code}: {e.error_msg}")
        except Exception as e:  # noqa: BLE001 - a scenario step must never stop the run
            self.ok(False, what, f"{type(e).__name__}: {e}")
            traceback.print_exc(limit=3)
        return None


def zip_b64(wasm, extra=None):
    """The seed's base64 ZIP (`code_type: zip`, `func_code.file`): `index.wasm` at the root."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("index.wasm", wasm)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def create_body(name, code_b64):
    return m.CreateFunctionRequestBody(
        func_name=name,
        package="default",
        runtime="Custom",
        handler="index.handler",
        memory_size=128,
        timeout=3,
        code_type="zip",
        code_filename="index.zip",
        func_code=m.FuncCode(file=code_b64),
        description="created by the official Python SDK",
    )


def unqualified(urn):
    """The function's URN without its version or alias (`...:function:default:NAME`)."""
    return urn.rsplit(":", 1)[0] if urn.count(":") > 6 else urn


def expect_error(c, what, call, status, code):
    """Runs `call`, which must fail with `status` and FSS `code` read from the SDK's exception."""
    try:
        call()
    except ClientRequestException as e:
        c.ok(
            e.status_code == status and e.error_code == code and bool(e.error_msg),
            what,
            f"got HTTP {e.status_code} {e.error_code!r}: {e.error_msg!r}",
        )
        return
    c.ok(False, what, f"no error, expected HTTP {status} {code}")


def wait_async(client, urn, request_id, want=("SUCCESS",), tries=50):
    """Polls the async records (bounded: `tries` x 0.1 s) until `request_id` has a final status."""
    last = None
    for _ in range(tries):
        resp = client.list_async_invocations(
            m.ListAsyncInvocationsRequest(function_urn=urn, request_id=request_id, limit="10")
        )
        found = [i for i in (resp.invocations or []) if i.request_id == request_id]
        if found:
            last = found[0]
            if last.status in want or last.status in ("FAIL", "DISCARD"):
                return last, resp
        time.sleep(0.1)
    return last, None


def run(c, client, wasm, project_id):
    name, sink = "sdk_echo", "sdk_sink"
    state = {}

    def create():
        r = client.create_function(m.CreateFunctionRequest(body=create_body(name, zip_b64(wasm))))
        state["urn"] = r.func_urn
        c.ok(r.status_code == 200, "create_function answers 200", f"status {r.status_code}")
        c.ok(
            r.func_name == name and (r.func_urn or "").endswith(f":function:default:{name}:latest")
            and f":{project_id}:" in r.func_urn,
            "create_function returns the latest URN in the project",
            f"func_urn={r.func_urn!r}",
        )
        c.ok(r.code_type == "zip" and r.cpu == 300 and r.memory_size == 128 and r.timeout == 3,
             "create_function echoes code_type/memory/timeout with cpu 300",
             f"code_type={r.code_type!r} cpu={r.cpu!r} memory={r.memory_size!r}")
        # The sink: a second function (blank code, the built-in echo) for the async destination.
        s = client.create_function(m.CreateFunctionRequest(body=m.CreateFunctionRequestBody(
            func_name=sink, package="default", runtime="Custom", handler="index.handler",
            memory_size=128, timeout=3, code_type="inline", func_code=m.FuncCode(file=""))))
        state["sink"] = s.func_urn
        c.ok(bool(s.func_urn), "create_function (destination sink, built-in code)")

    c.step("create_function", create)
    if "urn" not in state:
        return
    urn = state["urn"]

    def config():
        r = client.show_function_config(m.ShowFunctionConfigRequest(function_urn=urn))
        c.ok(r.func_urn == urn and r.handler == "index.handler" and r.runtime == "Custom",
             "show_function_config reads the function back",
             f"func_urn={r.func_urn!r} handler={r.handler!r} runtime={r.runtime!r}")
        u = client.update_function_config(m.UpdateFunctionConfigRequest(
            function_urn=urn,
            body=m.UpdateFunctionConfigRequestBody(
                func_name=name, runtime="Custom", handler="index.handler", timeout=10,
                memory_size=256, description="updated by the SDK",
                user_data=json.dumps({"GREETING": "hi"}))))
        c.ok(u.timeout == 10 and u.memory_size == 256 and u.description == "updated by the SDK",
             "update_function_config changes timeout, memory and description",
             f"timeout={u.timeout!r} memory={u.memory_size!r}")
        r = client.show_function_config(m.ShowFunctionConfigRequest(function_urn=urn))
        ud = json.loads(r.user_data) if isinstance(r.user_data, str) and r.user_data else None
        c.ok(r.timeout == 10 and r.cpu == 400 and ud == {"GREETING": "hi"},
             "show_function_config after the update: cpu 400, user_data kept as a JSON string",
             f"timeout={r.timeout!r} cpu={r.cpu!r} user_data={r.user_data!r}")

    def code():
        r = client.show_function_code(m.ShowFunctionCodeRequest(function_urn=urn))
        state["digest"] = r.digest
        c.ok(r.code_type == "zip" and (r.code_size or 0) > 0 and bool(r.digest),
             "show_function_code reports the zip, its size and digest",
             f"code_type={r.code_type!r} code_size={r.code_size!r} digest={r.digest!r}")
        u = client.update_function_code(m.UpdateFunctionCodeRequest(
            function_urn=urn,
            body=m.UpdateFunctionCodeRequestBody(
                code_type="zip", code_filename="index.zip",
                func_code=m.FuncCode(file=zip_b64(wasm, {"README.txt": b"second upload\n"})))))
        c.ok(bool(u.digest) and u.digest != state["digest"],
             "update_function_code stores the new package (new digest)",
             f"before={state['digest']!r} after={u.digest!r}")

    def publish():
        v = client.create_function_version(m.CreateFunctionVersionRequest(
            function_urn=urn, body=m.CreateFunctionVersionRequestBody(
                version="v1", description="first release")))
        state["version"] = v.version
        c.ok(v.version == "v1" and v.func_urn == unqualified(urn),
             "create_function_version publishes v1 (snapshot with the unqualified URN, §5.7.7)",
             f"version={v.version!r} urn={v.func_urn!r}")
        lv = client.list_function_versions(m.ListFunctionVersionsRequest(function_urn=urn))
        names = sorted(x.version for x in (lv.versions or []))
        c.ok(names == ["latest", "v1"], "list_function_versions lists latest and v1", f"{names}")

    def alias():
        a = client.create_version_alias(m.CreateVersionAliasRequest(
            function_urn=urn, body=m.CreateVersionAliasRequestBody(
                name="prod", version="latest", description="canary",
                additional_version_weights={"v1": 10})))
        state["alias_urn"] = a.alias_urn
        c.ok(a.name == "prod" and a.version == "latest"
             and a.additional_version_weights == {"v1": 10}
             and (a.alias_urn or "").endswith(":!prod"),
             "create_version_alias with weights", f"alias_urn={a.alias_urn!r} "
             f"weights={a.additional_version_weights!r}")
        la = client.list_version_aliases(m.ListVersionAliasesRequest(function_urn=urn))
        c.ok([x.name for x in (la.body or [])] == ["prod"],
             "list_version_aliases answers a top-level array", f"{la.body!r}")

    def invoke():
        r = client.invoke_function(m.InvokeFunctionRequest(function_urn=urn, body=EVENT))
        raw = json.loads(r.raw_content) if r.raw_content else None
        c.ok(r.status_code == 200 and raw == EVENT and bool(r.x_cff_request_id),
             "invoke_function v0 returns the raw result and X-Cff-Request-Id",
             f"status={r.status_code} body={r.raw_content!r} id={r.x_cff_request_id!r}")
        v1 = urn.rsplit(":", 1)[0] + ":v1"
        r = client.invoke_function(m.InvokeFunctionRequest(
            function_urn=v1, x_cff_request_version="v1", x_cff_log_type="tail", body=EVENT))
        result = json.loads(r.result) if isinstance(r.result, str) else r.result
        c.ok(isinstance(r.result, str) and result == EVENT and isinstance(r.status, int),
             "invoke_function v1 on version v1: result as a string, status an integer",
             f"result={r.result!r} status={r.status!r}")
        c.ok(bool(r.request_id) and r.request_id == r.x_cff_request_id,
             "invoke_function v1: request_id equals the X-Cff-Request-Id header",
             f"body={r.request_id!r} header={r.x_cff_request_id!r}")
        try:
            log_ok = isinstance(r.log, str) and len(base64.b64decode(r.log, validate=True)) <= 4096
        except ValueError:
            log_ok = False
        c.ok(log_ok, "invoke_function v1 with X-Cff-Log-Type: tail returns a base64 log <= 4 KB",
             f"log={r.log!r}")
        r = client.invoke_function(m.InvokeFunctionRequest(
            function_urn=state.get("alias_urn") or urn.rsplit(":", 1)[0] + ":!prod",
            x_cff_request_version="v1", body=EVENT))
        c.ok(isinstance(r.result, str) and json.loads(r.result) == EVENT,
             "invoke_function through the alias URN (:!prod, percent-encoded)", f"{r.result!r}")

    def async_invoke():
        a = client.async_invoke_function(
            m.AsyncInvokeFunctionRequest(function_urn=urn, body={"async": True}))
        c.ok(a.status_code == 202 and bool(a.request_id),
             "async_invoke_function answers 202 with a request id",
             f"status={a.status_code} request_id={a.request_id!r}")
        rec, resp = wait_async(client, urn, a.request_id)
        c.ok(rec is not None and rec.status == "SUCCESS" and not rec.error_message
             and isinstance(rec.start_time, str) and len(rec.start_time) == 19,
             "list_async_invocations shows the record, SUCCESS, UTC times",
             f"record={rec!r}")
        expect_error(c, "async_invoke_function on a missing function: 404 FSS.1051",
                     lambda: client.async_invoke_function(m.AsyncInvokeFunctionRequest(
                         function_urn=urn.replace(f":{name}:", ":nobody_here:"), body={})),
                     404, "FSS.1051")

    def timer():
        t = client.create_function_trigger(m.CreateFunctionTriggerRequest(
            function_urn=urn, body=m.CreateFunctionTriggerRequestBody(
                trigger_type_code="TIMER", trigger_status="ACTIVE", event_type_code="MessageCreated",
                event_data=m.TriggerEventDataRequestBody(
                    name="sdk-timer", schedule_type="Rate", schedule="3m",
                    user_event="{\"from\": \"timer\"}"))))
        c.ok(t.status_code == 201 and bool(t.trigger_id) and t.trigger_type_code == "TIMER"
             and t.trigger_status == "ACTIVE" and t.event_data is not None
             and t.event_data.schedule == "3m",
             "create_function_trigger TIMER answers 201", f"status={t.status_code} {t!r}")
        lt = client.list_function_triggers(m.ListFunctionTriggersRequest(function_urn=urn))
        c.ok([x.trigger_id for x in (lt.body or [])] == [t.trigger_id],
             "list_function_triggers answers a top-level array with it", f"{lt.body!r}")
        d = client.delete_function_trigger(m.DeleteFunctionTriggerRequest(
            function_urn=urn, trigger_type_code="TIMER", trigger_id=t.trigger_id))
        lt = client.list_function_triggers(m.ListFunctionTriggersRequest(function_urn=urn))
        c.ok(d.status_code == 204 and not lt.body, "delete_function_trigger answers 204",
             f"status={d.status_code} left={lt.body!r}")

    def async_config():
        param = json.dumps({"func_urn": state["sink"]})
        u = client.update_function_async_invoke_config(m.UpdateFunctionAsyncInvokeConfigRequest(
            function_urn=urn, body=m.UpdateFunctionAsyncInvokeConfigRequestBody(
                max_async_event_age_in_seconds=600, max_async_retry_attempts=2,
                destination_config=m.FuncAsyncDestinationConfig(
                    on_success=m.FuncDestinationConfig(destination="FunctionGraph", param=param)))))
        dest = u.destination_config.on_success if u.destination_config else None
        c.ok(u.max_async_event_age_in_seconds == 600 and u.max_async_retry_attempts == 2
             and dest is not None and dest.destination == "FunctionGraph"
             and json.loads(dest.param) == {"func_urn": state["sink"]},
             "update_function_async_invoke_config with an on_success destination (param a string)",
             f"{u!r}")
        s = client.show_function_async_invoke_config(
            m.ShowFunctionAsyncInvokeConfigRequest(function_urn=urn))
        c.ok(s.max_async_retry_attempts == 2 and s.destination_config is not None,
             "show_function_async_invoke_config reads it back", f"{s!r}")
        a = client.async_invoke_function(
            m.AsyncInvokeFunctionRequest(function_urn=urn, body={"to": "destination"}))
        rec, _ = wait_async(client, urn, a.request_id)
        c.ok(rec is not None and rec.status == "SUCCESS", "async invoke with a destination ran",
             f"{rec!r}")
        delivered = None
        for _ in range(50):
            lr = client.list_async_invocations(
                m.ListAsyncInvocationsRequest(function_urn=state["sink"], limit="10"))
            if lr.invocations:
                delivered = lr.invocations
                break
            time.sleep(0.1)
        c.ok(bool(delivered), "the on_success destination function received the envelope",
             "no async invocation recorded on the sink")

    def errors():
        expect_error(c, "duplicate create_function: 409 FSS.1061",
                     lambda: client.create_function(
                         m.CreateFunctionRequest(body=create_body(name, zip_b64(wasm)))),
                     409, "FSS.1061")

    def delete():
        # `latest` alone cannot be deleted (FSS.1015): the unqualified URN removes it all.
        d = client.delete_function(m.DeleteFunctionRequest(function_urn=unqualified(urn)))
        c.ok(d.status_code == 204, "delete_function answers 204", f"status={d.status_code}")
        expect_error(c, "show_function_config after delete: 404 FSS.1051",
                     lambda: client.show_function_config(
                         m.ShowFunctionConfigRequest(function_urn=urn)),
                     404, "FSS.1051")
        client.delete_function(m.DeleteFunctionRequest(function_urn=unqualified(state["sink"])))

    for what, fn in [("config", config), ("code", code), ("publish", publish), ("alias", alias),
                     ("invoke", invoke), ("async invoke", async_invoke), ("timer", timer),
                     ("async config", async_config), ("errors", errors), ("delete", delete)]:
        c.step(what, fn)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--endpoint", required=True, help="http://127.0.0.1:PORT")
    ap.add_argument("--ak", default=os.environ.get("FGS_AK", "fgs-local-ak"))
    ap.add_argument("--sk", default=os.environ.get("FGS_SK", "fgs-local-sk"))
    ap.add_argument("--project-id", default=DEFAULT_PROJECT)
    ap.add_argument("--wasm", default=DEFAULT_WASM, help="the handler module packed as index.wasm")
    args = ap.parse_args()

    with open(args.wasm, "rb") as f:
        wasm = f.read()
    client = (FunctionGraphClient.new_builder()
              .with_credentials(BasicCredentials(args.ak, args.sk, args.project_id))
              .with_endpoints([args.endpoint])
              .build())
    c = Checks()
    run(c, client, wasm, args.project_id)
    # A wrong secret key is refused (the server verifies the SDK's signature).
    bad = (FunctionGraphClient.new_builder()
           .with_credentials(BasicCredentials(args.ak, args.sk + "x", args.project_id))
           .with_endpoints([args.endpoint]).build())
    try:
        bad.list_functions(m.ListFunctionsRequest())
        c.ok(False, "a request signed with a wrong SK is refused", "it was accepted")
    except ClientRequestException as e:
        c.ok(e.status_code in (401, 403), "a request signed with a wrong SK is refused",
             f"HTTP {e.status_code} {e.error_code}")
    except Exception as e:  # noqa: BLE001 - e.g. no server: still print the summary
        c.ok(False, "a request signed with a wrong SK is refused", f"{type(e).__name__}: {e}")
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
