"""Writes crates/fgs-http/openapi.json, the OpenAPI 3 document of the REST API.

    python3 fuzz/openapi/gen.py

The operations are listed below (one line each, the router's table in the same order); the
request, query and response schemas are read from the serde types of fgs-core/fgs-runtime
(rust_types.py). The test crates/fgs-http/tests/all/openapi.rs checks the result against the
router both ways; fuzz/schemathesis.sh checks it against a running server.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from rust_types import Types  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
types = Types([f"{ROOT}/crates/fgs-core/src", f"{ROOT}/crates/fgs-runtime/src"])

P = "/v2/{project_id}/fgs"
URN = "function_urn"
# (method, path under P, operationId, tag, summary, request type, query type, success
#  status, response type). Response None: no body; "bytes": the export ZIP; "invoke": the
#  handler's answer.
OPS = [
    ("post", "/functions/{function_urn}/invocations", "InvokeFunction", "Invocation", "Invoke a function synchronously (§5.1.1)", "event", None, "200", "invoke"),
    ("post", "/functions/{function_urn}/invocations-async", "AsyncInvokeFunction", "Invocation", "Invoke a function asynchronously (§5.1.2)", "event", None, "202", "AsyncInvokeResponse"),
    ("post", "/functions/{function_urn}/reserved-invocations", "AsyncInvokeReservedFunction", "Invocation", "Invoke asynchronously on a reserved instance (§5.1.3)", "event", None, "202", "ReservedInvokeResponse"),
    ("get", "/quotas", "ListQuotas", "Quotas", "Query tenant quotas (§5.2.1)", None, None, "200", "QuotasResponse"),
    ("get", "/dependencies", "ListDependencies", "Dependencies", "List dependencies (§5.3.1)", None, "ListDependenciesQuery", "200", "ListDependenciesResponse"),
    ("post", "/dependencies", "CreateDependency", "Dependencies", "Create a dependency (§5.3.2)", "DependencyRequest", None, "200", "DependencyInfo"),
    ("get", "/dependencies/{depend_id}", "ShowDependency", "Dependencies", "Get a dependency (§5.3.4)", None, None, "200", "DependencyInfo"),
    ("put", "/dependencies/{depend_id}", "UpdateDependency", "Dependencies", "Update a dependency (§5.3.5)", "DependencyRequest", None, "200", "UpdateDependencyResponse"),
    ("delete", "/dependencies/{depend_id}", "DeleteDependency", "Dependencies", "Delete a dependency (§5.3.3)", None, None, "204", None),
    ("get", "/functions", "ListFunctions", "Functions", "List functions (§5.6.1)", None, "ListFunctionsQuery", "200", "ListFunctionsResponse"),
    ("post", "/functions", "CreateFunction", "Functions", "Create a function (§5.6.2)", "CreateFunctionRequest", None, "200", "FunctionConfig"),
    ("get", "/functions/statistics", "ListStatistics", "Metrics", "Tenant-level function statistics (§5.8.1)", None, "TenantStatisticsQuery", "200", "TenantStatisticsResponse"),
    ("post", "/functions/import", "ImportFunction", "Import and export", "Import a function (§5.11.2)", "ImportFunctionRequest", None, "200", "FunctionConfig"),
    ("post", "/functions/enable-lts-logs", "EnableLtsLogs", "Logs", "Enable log reporting to LTS (§5.9.2)", None, None, "200", None),
    ("delete", "/functions/{function_urn}", "DeleteFunction", "Functions", "Delete a function or a function version (§5.6.3)", None, None, "204", None),
    ("get", "/functions/{function_urn}/code", "ShowFunctionCode", "Functions", "Get function code (§5.6.4)", None, None, "200", "FunctionCodeResponse"),
    ("put", "/functions/{function_urn}/code", "UpdateFunctionCode", "Functions", "Update function code (§5.6.5)", "UpdateFunctionCodeRequest", None, "200", "FunctionCodeResponse"),
    ("get", "/functions/{function_urn}/config", "ShowFunctionConfig", "Functions", "Get function metadata (§5.6.6)", None, None, "200", "FunctionConfig"),
    ("put", "/functions/{function_urn}/config", "UpdateFunctionConfig", "Functions", "Update function metadata (§5.6.7)", "UpdateFunctionConfigRequest", None, "200", "FunctionConfig"),
    ("put", "/functions/{function_urn}/config-max-instance", "UpdateFunctionMaxInstanceConfig", "Functions", "Update the maximum number of instances (§5.6.8)", "UpdateMaxInstancesRequest", None, "200", "FunctionConfig"),
    ("get", "/functions/{function_urn}/events", "ListEvents", "Test events", "List a function's test events (§5.4.1)", None, None, "200", "ListTestEventsResponse"),
    ("post", "/functions/{function_urn}/events", "CreateEvent", "Test events", "Create a test event (§5.4.2)", "CreateTestEventRequest", None, "200", "TestEventRef"),
    ("get", "/functions/{function_urn}/events/{event_id}", "ShowEvent", "Test events", "Get a test event (§5.4.4)", None, None, "200", "TestEvent"),
    ("put", "/functions/{function_urn}/events/{event_id}", "UpdateEvent", "Test events", "Update a test event (§5.4.5)", "UpdateTestEventRequest", None, "200", "TestEventRef"),
    ("delete", "/functions/{function_urn}/events/{event_id}", "DeleteEvent", "Test events", "Delete a test event (§5.4.3)", None, None, "204", None),
    ("get", "/functions/{function_urn}/tracing", "ShowTracing", "Tracing", "Get tracing configuration (§5.5.1)", None, None, "200", "TracingConfig"),
    ("put", "/functions/{function_urn}/tracing", "UpdateTracing", "Tracing", "Modify tracing configuration (§5.5.2)", "UpdateTracingRequest", None, "200", None),
    ("get", "/functions/{function_urn}/versions", "ListFunctionVersions", "Versions and aliases", "List versions of a function (§5.7.6)", None, "ListVersionsQuery", "200", "ListVersionsResponse"),
    ("post", "/functions/{function_urn}/versions", "CreateFunctionVersion", "Versions and aliases", "Publish a function version (§5.7.7)", "PublishVersionRequest", None, "200", "PublishedVersion"),
    ("get", "/functions/{function_urn}/aliases", "ListVersionAliases", "Versions and aliases", "List the aliases of a function (§5.7.1)", None, None, "200", "[Alias]"),
    ("post", "/functions/{function_urn}/aliases", "CreateVersionAlias", "Versions and aliases", "Create an alias (§5.7.2)", "CreateAliasRequest", None, "200", "Alias"),
    ("get", "/functions/{function_urn}/aliases/{alias_name}", "ShowVersionAlias", "Versions and aliases", "Get an alias (§5.7.4)", None, None, "200", "Alias"),
    ("put", "/functions/{function_urn}/aliases/{alias_name}", "UpdateVersionAlias", "Versions and aliases", "Update an alias (§5.7.5)", "UpdateAliasRequest", None, "200", "Alias"),
    ("delete", "/functions/{function_urn}/aliases/{alias_name}", "DeleteVersionAlias", "Versions and aliases", "Delete an alias (§5.7.3)", None, None, "204", None),
    ("get", "/functions/{function_urn}/statistics/{period}", "ShowFunctionMetrics", "Metrics", "Function metrics over a period (§5.8.2)", None, None, "200", "FunctionStatisticsResponse"),
    ("get", "/functions/{function_urn}/lts-log-detail", "ShowLtsLogDetails", "Logs", "Get a function's LTS log group and stream (§5.9.1)", None, None, "200", "LtsLogDetail"),
    ("put", "/functions/{function_urn}/reservedinstances", "UpdateFunctionReservedInstancesCount", "Reserved instances", "Change the number of reserved instances (§5.10.1)", "UpdateReservedInstancesRequest", None, "200", "ReservedConfig"),
    ("get", "/functions/{function_urn}/export", "ExportFunction", "Import and export", "Export a function (§5.11.1)", None, "ExportFunctionQuery", "200", "bytes"),
    ("get", "/functions/{function_urn}/async-invoke-config", "ShowFunctionAsyncInvokeConfig", "Async notification", "Get the async-notification config (§5.13.1)", None, None, "200", "AsyncConfigResponse"),
    ("put", "/functions/{function_urn}/async-invoke-config", "UpdateFunctionAsyncInvokeConfig", "Async notification", "Configure async notification (§5.13.3)", "PutAsyncConfigRequest", None, "200", "AsyncConfigResponse"),
    ("delete", "/functions/{function_urn}/async-invoke-config", "DeleteFunctionAsyncInvokeConfig", "Async notification", "Delete the async-notification config (§5.13.2)", None, None, "204", None),
    ("get", "/functions/{function_urn}/async-invoke-configs", "ListFunctionAsyncInvokeConfig", "Async notification", "List async-notification configs of all versions (§5.13.4)", None, "ListAsyncConfigsRequest", "200", "ListAsyncConfigsResponse"),
    ("get", "/functions/{function_urn}/async-invocations", "ListAsyncInvocations", "Async notification", "Query async invocation requests (§5.13.5)", None, "ListAsyncInvocationsRequest", "200", "ListAsyncInvocationsResponse"),
    ("post", "/functions/{function_urn}/cancel", "CancelAsyncInvocation", "Async notification", "Stop an async invocation request (§5.13.6)", "CancelAsyncInvocationRequest", None, "200", "null"),
    ("get", "/triggers/{function_urn}", "ListFunctionTriggers", "Triggers", "List all triggers of a function (§5.12.2)", None, None, "200", "[Trigger]"),
    ("post", "/triggers/{function_urn}", "CreateFunctionTrigger", "Triggers", "Create a trigger (§5.12.3)", "CreateTriggerRequest", None, "201", "Trigger"),
    ("delete", "/triggers/{function_urn}", "BatchDeleteFunctionTriggers", "Triggers", "Delete all triggers of a function (§5.12.1)", None, None, "204", None),
    ("get", "/triggers/{function_urn}/{trigger_type_code}/{trigger_id}", "ShowFunctionTrigger", "Triggers", "Get a trigger (§5.12.5)", None, None, "200", "Trigger"),
    ("put", "/triggers/{function_urn}/{trigger_type_code}/{trigger_id}", "UpdateTrigger", "Triggers", "Update a trigger (§5.12.6)", "UpdateTriggerRequest", None, "200", "Trigger"),
    ("delete", "/triggers/{function_urn}/{trigger_type_code}/{trigger_id}", "DeleteFunctionTrigger", "Triggers", "Delete a trigger (§5.12.4)", None, None, "204", None),
]

PARAMS = {
    "project_id": ("Project id: 1..64 ASCII letters, digits, '-' or '_' (each is its own isolated emulator).",
                   {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "example": "0123456789abcdef0123456789abcdef"}),
    "function_urn": ("Function URN in any form of seed §1.6.1 (1, 2, 3, 4, 7 or 8 colon-separated fields; `!alias`); may be percent-encoded.",
                     {"type": "string", "minLength": 1, "maxLength": 269, "example": "hello"}),
    "depend_id": ("Dependency id.", {"type": "string"}),
    "event_id": ("Test event id.", {"type": "string"}),
    "alias_name": ("Alias name.", {"type": "string"}),
    "period": ("Minutes of metrics to return (§5.8.2).", {"type": "string", "example": "60"}),
    "trigger_type_code": ("Trigger type (TIMER, APIG, OBS, SMN, DMS, DIS, LTS, DDS, CTS, KAFKA, ...).", {"type": "string", "example": "TIMER"}),
    "trigger_id": ("Trigger id.", {"type": "string"}),
}

def rust_array(path, name):
    """The items of `pub const NAME: [T; N] = [...];` in a source file of the workspace."""
    import re
    src = open(f"{ROOT}/{path}").read()
    body = re.search(rf"pub const {name}: \[[^\]]+\] = \[(.*?)\];", src, re.S).group(1)
    items = re.findall(r'"([^"]*)"|(\d+)', body)
    return [s if s else int(n) for s, n in items]


# A name of seed §4.4 (`rules::is_valid_name`): 1..60, a letter first, a letter or digit last.
NAME = {"type": "string", "pattern": "^[A-Za-z]([A-Za-z0-9_-]{0,58}[A-Za-z0-9])?$"}
# `file.export` (`rules::is_valid_handler`): at most 128 bytes, no whitespace or control
# characters, a non-empty file and export around the last '.' (printable ASCII here).
HANDLER = {"type": "string", "maxLength": 128, "pattern": "^[!-~]+\\.[!-\\-/-~]+$",
           "example": "index.handler"}
# Request fields with the rules of fgs_core::function::rules, so that generated bodies reach
# the emulator's logic rather than its first 400 (and the stateful phase gets functions).
CONSTRAINTS = {
    "CreateFunctionRequest": {
        "func_name": NAME,
        "package": NAME,
        "runtime": {"type": "string", "enum": rust_array("crates/fgs-core/src/runtime.rs", "FUNCTION_RUNTIMES")},
        "timeout": {"type": "integer", "minimum": 3, "maximum": 900},
        "handler": HANDLER,
        "memory_size": {"type": "integer", "enum": rust_array("crates/fgs-core/src/function.rs", "MEMORY_SIZES")},
        "code_type": {"type": "string", "enum": rust_array("crates/fgs-core/src/function/rules.rs", "CODE_TYPES")},
    },
}


# Request body examples: schemathesis's examples phase sends them, so the function `hello` of
# the path parameters' example exists for the operations after its create (in this order).
EXAMPLES = {
    "CreateFunction": {"func_name": "hello", "package": "default", "runtime": "Custom",
                       "timeout": 30, "handler": "index.handler", "memory_size": 128,
                       "code_type": "inline"},
}


def constrain(schemas):
    for name, fields in CONSTRAINTS.items():
        props = schemas[name]["properties"]
        for field, schema in fields.items():
            nullable = props[field].get("nullable")
            props[field] = dict(schema, **({"nullable": True} if nullable else {}))


ERROR = {"$ref": "#/components/responses/Error"}
refs_needed = set()


def ref(name):
    refs_needed.add(name)
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema):
    return {"application/json": {"schema": schema}}


def path_params(path):
    import re
    out = [{"$ref": "#/components/parameters/project_id"}]
    for name in re.findall(r"\{(\w+)\}", path):
        out.append({"$ref": f"#/components/parameters/{name}"})
    return out


def query_params(qtype):
    if not qtype:
        return []
    comp = types.component(qtype, set())
    out = []
    for name, schema in comp["properties"].items():
        s = {k: v for k, v in schema.items() if k != "nullable"}
        out.append({"name": name, "in": "query", "required": False, "schema": s})
    return out


def operation(op):
    method, path, op_id, tag, summary, req, query, status, resp = op
    o = {"operationId": op_id, "tags": [tag], "summary": summary,
         "parameters": path_params(path) + query_params(query)}
    if req == "event":
        o["requestBody"] = {"description": "The event: any bytes, at most 6 MiB (JSON by convention).",
                            "required": False,
                            "content": {"application/json": {"schema": {}},
                                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                                        "text/plain": {"schema": {"type": "string"}}}}
    elif req:
        o["requestBody"] = {"required": True, "content": json_content(ref(req))}
        if op_id in EXAMPLES:
            o["requestBody"]["content"]["application/json"]["example"] = EXAMPLES[op_id]
    responses = {}
    if op_id == "InvokeFunction":
        o["parameters"] += [
            {"name": "X-CFF-Request-Version", "in": "header", "required": False,
             "schema": {"type": "string", "enum": ["v0", "v1"]},
             "description": "v0 (default): the handler's bytes are the body; v1: `{request_id, result, log, status}`."},
            {"name": "X-Cff-Log-Type", "in": "header", "required": False,
             "schema": {"type": "string", "enum": ["tail"]},
             "description": "`tail`: the base64 log tail in `X-Cff-Log` (and v1's `log`)."},
        ]
        headers = {"X-Cff-Request-Id": {"schema": {"type": "string"}},
                   "X-Cff-Invoke-Summary": {"schema": {"type": "string"}, "description": "JSON: durations, memory, cold start, outcome."}}
        responses["200"] = {"description": "The handler's answer (v0: its bytes; v1: the JSON envelope).",
                            "headers": headers,
                            "content": {"application/json": {"schema": {}},
                                        "text/plain": {"schema": {"type": "string"}},
                                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    elif resp is None:
        responses[status] = {"description": "Done (no body)."}
    elif resp == "bytes":
        responses[status] = {"description": "The function as a ZIP (code and/or config).",
                             "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}
    elif resp == "null":
        responses[status] = {"description": "Done (the body is JSON null).", "content": json_content({"nullable": True})}
    elif resp.startswith("["):
        responses[status] = {"description": "OK", "content": json_content({"type": "array", "items": ref(resp[1:-1])})}
    else:
        responses[status] = {"description": "OK", "content": json_content(ref(resp))}
    responses["default"] = ERROR
    o["responses"] = responses
    return method, P + path, o


def main():
    paths = {}
    for op in OPS:
        method, path, o = operation(op)
        paths.setdefault(path, {})[method] = o
    schemas = types.components(sorted(refs_needed))
    constrain(schemas)
    schemas["Error"] = {
        "type": "object", "required": ["error_code", "error_msg"],
        "properties": {"error_code": {"type": "string", "example": "FSS.1051"},
                       "error_msg": {"type": "string"}}}
    for name in refs_needed:
        if name not in schemas:
            raise SystemExit(f"no serde type {name}")
    doc = {
        "openapi": "3.0.3",
        "info": {
            "title": "fgs-local: the Huawei Cloud FunctionGraph REST API (emulated)",
            "version": "0.1.0",
            "description": "Every endpoint of the FunctionGraph API reference (seed §5, E01-E50) as "
                           "`fgs-local serve` answers it. Errors are `{error_code, error_msg}` with the "
                           "seed's FSS codes (§7.2). Auth is open unless the server verifies tokens or "
                           "AK/SK signatures. Written by fuzz/openapi/gen.py from the serde types.",
        },
        "servers": [{"url": "http://127.0.0.1:8000"}],
        "tags": [{"name": t} for t in dict.fromkeys(op[3] for op in OPS)],
        "paths": paths,
        "components": {
            "parameters": {name: {"name": name, "in": "path", "required": True, "description": d, "schema": s}
                           for name, (d, s) in PARAMS.items()},
            "responses": {"Error": {"description": "An error: `{error_code, error_msg}` (the FSS table, §7.2).",
                                    "content": json_content({"$ref": "#/components/schemas/Error"})}},
            "schemas": dict(sorted(schemas.items())),
        },
    }
    out = os.path.join(ROOT, "crates", "fgs-http", "openapi.json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{out}: {len(OPS)} operations, {len(paths)} paths, {len(schemas)} schemas")


main()
