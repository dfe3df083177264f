//! The management endpoints (seed §5.2-§5.13, all but invocation): each parses its path,
//! query and body, calls the `Emulator` method of the same name, and renders the result with
//! the seed's status.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use fgs_core::alias::{CreateAliasRequest, UpdateAliasRequest};
use fgs_core::async_config::{ListAsyncConfigsRequest, PutAsyncConfigRequest};
use fgs_core::async_record::{CancelAsyncInvocationRequest, ListAsyncInvocationsRequest};
use fgs_core::dependency::{DependencyRequest, ListDependenciesQuery};
use fgs_core::function::{
    CreateFunctionRequest, ListFunctionsQuery, UpdateFunctionCodeRequest,
    UpdateFunctionConfigRequest, UpdateMaxInstancesRequest,
};
use fgs_core::metrics::TenantStatisticsQuery;
use fgs_core::reserved::UpdateReservedInstancesRequest;
use fgs_core::test_event::{CreateTestEventRequest, UpdateTestEventRequest};
use fgs_core::tracing_config::UpdateTracingRequest;
use fgs_core::transfer::{ExportFunctionQuery, FunctionExport, ImportFunctionRequest};
use fgs_core::trigger::{CreateTriggerRequest, UpdateTriggerRequest};
use fgs_core::version::{ListVersionsQuery, PublishVersionRequest};
use serde::Serialize;

use crate::App;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query};

type Answer = Result<Response, ApiError>;

/// `value` as a JSON body with `status`.
pub(crate) fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            let mut resp = (status, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            resp
        }
        Err(e) => ApiError::from(
            fgs_core::ErrorKind::Internal.with(format!("cannot encode the answer: {e}")),
        )
        .into_response(),
    }
}

fn ok<T: Serialize>(value: T) -> Answer {
    Ok(json(StatusCode::OK, &value))
}

fn no_content(_: ()) -> Answer {
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn empty_ok(_: ()) -> Answer {
    Ok(StatusCode::OK.into_response())
}

/// One route: its method, its path template, and the handler for that method.
pub(crate) type Row = (Method, &'static str, MethodRouter<App>);

/// A [`Row`] from `METHOD "/path under /v2/{project_id}/fgs" handler`.
macro_rules! row {
    ($method:ident $path:literal $handler:expr) => {
        (
            Method::$method,
            concat!("/v2/{project_id}/fgs", $path),
            on(MethodFilter::$method, $handler),
        )
    };
}
pub(crate) use row;

/// The router serving `rows` (one path may take several rows, one per method).
pub(crate) fn build(rows: Vec<Row>) -> Router<App> {
    rows.into_iter()
        .fold(Router::new(), |r, (_, path, handler)| {
            r.route(path, handler)
        })
}

/// Every management route (the table the OpenAPI test reads through [`crate::routes`]).
pub(crate) fn table() -> Vec<Row> {
    vec![
        row!(GET "/quotas" quotas),
        row!(GET "/dependencies" list_dependencies),
        row!(POST "/dependencies" create_dependency),
        row!(GET "/dependencies/{depend_id}" get_dependency),
        row!(PUT "/dependencies/{depend_id}" update_dependency),
        row!(DELETE "/dependencies/{depend_id}" delete_dependency),
        row!(GET "/functions" list_functions),
        row!(POST "/functions" create_function),
        row!(GET "/functions/statistics" tenant_statistics),
        row!(POST "/functions/import" import_function),
        row!(POST "/functions/enable-lts-logs" enable_lts_logs),
        row!(DELETE "/functions/{urn}" delete_function),
        row!(GET "/functions/{urn}/code" get_code),
        row!(PUT "/functions/{urn}/code" update_code),
        row!(GET "/functions/{urn}/config" get_config),
        row!(PUT "/functions/{urn}/config" update_config),
        row!(PUT "/functions/{urn}/config-max-instance" update_max_instances),
        row!(GET "/functions/{urn}/events" list_test_events),
        row!(POST "/functions/{urn}/events" create_test_event),
        row!(GET "/functions/{urn}/events/{event_id}" get_test_event),
        row!(PUT "/functions/{urn}/events/{event_id}" update_test_event),
        row!(DELETE "/functions/{urn}/events/{event_id}" delete_test_event),
        row!(GET "/functions/{urn}/tracing" get_tracing),
        row!(PUT "/functions/{urn}/tracing" update_tracing),
        row!(GET "/functions/{urn}/versions" list_versions),
        row!(POST "/functions/{urn}/versions" publish_version),
        row!(GET "/functions/{urn}/aliases" list_aliases),
        row!(POST "/functions/{urn}/aliases" create_alias),
        row!(GET "/functions/{urn}/aliases/{alias}" get_alias),
        row!(PUT "/functions/{urn}/aliases/{alias}" update_alias),
        row!(DELETE "/functions/{urn}/aliases/{alias}" delete_alias),
        row!(GET "/functions/{urn}/statistics/{period}" function_statistics),
        row!(GET "/functions/{urn}/lts-log-detail" lts_log_detail),
        row!(PUT "/functions/{urn}/reservedinstances" update_reserved),
        row!(GET "/functions/{urn}/export" export_function),
        row!(GET "/functions/{urn}/async-invoke-config" get_async_config),
        row!(PUT "/functions/{urn}/async-invoke-config" put_async_config),
        row!(DELETE "/functions/{urn}/async-invoke-config" delete_async_config),
        row!(GET "/functions/{urn}/async-invoke-configs" list_async_configs),
        row!(GET "/functions/{urn}/async-invocations" list_async_invocations),
        row!(POST "/functions/{urn}/cancel" cancel_async_invocation),
        row!(GET "/triggers/{urn}" list_triggers),
        row!(POST "/triggers/{urn}" create_trigger),
        row!(DELETE "/triggers/{urn}" delete_all_triggers),
        row!(GET "/triggers/{urn}/{type_code}/{trigger_id}" get_trigger),
        row!(PUT "/triggers/{urn}/{type_code}/{trigger_id}" update_trigger),
        row!(DELETE "/triggers/{urn}/{type_code}/{trigger_id}" delete_trigger),
    ]
}

/// Every management route.
pub(crate) fn routes() -> Router<App> {
    build(table())
}

/// `GET /openapi.json`: the OpenAPI 3 document of this API (`crates/fgs-http/openapi.json`).
pub(crate) async fn openapi() -> Response {
    let mut resp = (StatusCode::OK, crate::OPENAPI_JSON).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

// §5.2 quotas
async fn quotas(State(app): State<App>, Path(p): Path<String>) -> Answer {
    ok(app.in_place(&p, |e| Ok(e.get_quotas()))?)
}

// §5.3 dependencies
async fn list_dependencies(
    State(app): State<App>,
    Path(p): Path<String>,
    Query(q): Query<ListDependenciesQuery>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.list_dependencies(q))?)
}
async fn create_dependency(
    State(app): State<App>,
    Path(p): Path<String>,
    Json(b): Json<DependencyRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.create_dependency(b)).await?)
}
async fn get_dependency(State(app): State<App>, Path((p, id)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_dependency(&id))?)
}
async fn update_dependency(
    State(app): State<App>,
    Path((p, id)): Path<(String, String)>,
    Json(b): Json<DependencyRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.update_dependency(&id, b)).await?)
}
async fn delete_dependency(
    State(app): State<App>,
    Path((p, id)): Path<(String, String)>,
) -> Answer {
    no_content(app.call(&p, move |e| e.delete_dependency(&id)).await?)
}

// §5.6 functions
async fn list_functions(
    State(app): State<App>,
    Path(p): Path<String>,
    Query(q): Query<ListFunctionsQuery>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.list_functions(&q))?)
}
async fn create_function(
    State(app): State<App>,
    Path(p): Path<String>,
    Json(b): Json<CreateFunctionRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.create_function(b)).await?)
}
async fn delete_function(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    no_content(app.call(&p, move |e| e.delete_function(&u)).await?)
}
async fn get_code(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_function_code(&u))?)
}
async fn update_code(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<UpdateFunctionCodeRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.update_function_code(&u, b)).await?)
}
async fn get_config(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_function_config(&u))?)
}
async fn update_config(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<UpdateFunctionConfigRequest>,
) -> Answer {
    ok(app
        .call(&p, move |e| e.update_function_config(&u, b))
        .await?)
}
async fn update_max_instances(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<UpdateMaxInstancesRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.update_max_instances(&u, b)).await?)
}

// §5.4 test events
async fn list_test_events(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.list_test_events(&u))?)
}
async fn create_test_event(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<CreateTestEventRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.create_test_event(&u, b)).await?)
}
async fn get_test_event(
    State(app): State<App>,
    Path((p, u, id)): Path<(String, String, String)>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.get_test_event(&u, &id))?)
}
async fn update_test_event(
    State(app): State<App>,
    Path((p, u, id)): Path<(String, String, String)>,
    Json(b): Json<UpdateTestEventRequest>,
) -> Answer {
    ok(app
        .call(&p, move |e| e.update_test_event(&u, &id, b))
        .await?)
}
async fn delete_test_event(
    State(app): State<App>,
    Path((p, u, id)): Path<(String, String, String)>,
) -> Answer {
    no_content(app.call(&p, move |e| e.delete_test_event(&u, &id)).await?)
}

// §5.5 tracing
async fn get_tracing(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_tracing(&u))?)
}
async fn update_tracing(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<UpdateTracingRequest>,
) -> Answer {
    empty_ok(app.call(&p, move |e| e.update_tracing(&u, b)).await?)
}

// §5.7 versions and aliases
async fn list_versions(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Query(q): Query<ListVersionsQuery>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.list_versions(&u, &q))?)
}
async fn publish_version(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<PublishVersionRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.publish_version(&u, b)).await?)
}
async fn list_aliases(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.list_aliases(&u))?)
}
async fn create_alias(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<CreateAliasRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.create_alias(&u, b)).await?)
}
async fn get_alias(
    State(app): State<App>,
    Path((p, u, a)): Path<(String, String, String)>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.get_alias(&u, &a))?)
}
async fn update_alias(
    State(app): State<App>,
    Path((p, u, a)): Path<(String, String, String)>,
    Json(b): Json<UpdateAliasRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.update_alias(&u, &a, b)).await?)
}
async fn delete_alias(
    State(app): State<App>,
    Path((p, u, a)): Path<(String, String, String)>,
) -> Answer {
    no_content(app.call(&p, move |e| e.delete_alias(&u, &a)).await?)
}

// §5.8 metrics
async fn tenant_statistics(
    State(app): State<App>,
    Path(p): Path<String>,
    Query(q): Query<TenantStatisticsQuery>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.get_tenant_statistics(&q))?)
}
async fn function_statistics(
    State(app): State<App>,
    Path((p, u, period)): Path<(String, String, String)>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.get_function_statistics(&u, &period))?)
}

// §5.9 logs
async fn lts_log_detail(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_lts_log_detail(&u))?)
}
async fn enable_lts_logs(State(app): State<App>, Path(p): Path<String>) -> Answer {
    empty_ok(app.call(&p, |e| e.enable_lts_logs()).await?)
}

// §5.10 reserved instances
async fn update_reserved(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<UpdateReservedInstancesRequest>,
) -> Answer {
    ok(app
        .call(&p, move |e| e.update_reserved_instances(&u, b))
        .await?)
}

// §5.11 import and export
async fn export_function(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Query(q): Query<ExportFunctionQuery>,
) -> Answer {
    let export = app.call(&p, move |e| e.export_function(&u, &q)).await?;
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    let mut resp = (StatusCode::OK, export.bytes).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(FunctionExport::CONTENT_TYPE),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
async fn import_function(
    State(app): State<App>,
    Path(p): Path<String>,
    Json(b): Json<ImportFunctionRequest>,
) -> Answer {
    ok(app.call(&p, move |e| e.import_function(b)).await?)
}

// §5.12 triggers
async fn list_triggers(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.list_triggers(&u))?)
}
async fn create_trigger(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<CreateTriggerRequest>,
) -> Answer {
    let t = app.call(&p, move |e| e.create_trigger(&u, b)).await?;
    Ok(json(StatusCode::CREATED, &t))
}
async fn delete_all_triggers(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
) -> Answer {
    no_content(app.call(&p, move |e| e.delete_all_triggers(&u)).await?)
}
async fn get_trigger(
    State(app): State<App>,
    Path((p, u, t, id)): Path<(String, String, String, String)>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.get_trigger(&u, &t, &id))?)
}
async fn update_trigger(
    State(app): State<App>,
    Path((p, u, t, id)): Path<(String, String, String, String)>,
    Json(b): Json<UpdateTriggerRequest>,
) -> Answer {
    ok(app
        .call(&p, move |e| e.update_trigger(&u, &t, &id, b))
        .await?)
}
async fn delete_trigger(
    State(app): State<App>,
    Path((p, u, t, id)): Path<(String, String, String, String)>,
) -> Answer {
    no_content(app.call(&p, move |e| e.delete_trigger(&u, &t, &id)).await?)
}

// §5.13 async notification
async fn get_async_config(State(app): State<App>, Path((p, u)): Path<(String, String)>) -> Answer {
    ok(app.in_place(&p, move |e| e.get_async_invoke_config(&u))?)
}
async fn put_async_config(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<PutAsyncConfigRequest>,
) -> Answer {
    ok(app
        .call(&p, move |e| e.put_async_invoke_config(&u, b))
        .await?)
}
async fn delete_async_config(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
) -> Answer {
    no_content(
        app.call(&p, move |e| e.delete_async_invoke_config(&u))
            .await?,
    )
}
async fn list_async_configs(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Query(q): Query<ListAsyncConfigsRequest>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.list_async_invoke_configs(&u, q))?)
}
async fn list_async_invocations(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Query(q): Query<ListAsyncInvocationsRequest>,
) -> Answer {
    ok(app.in_place(&p, move |e| e.list_async_invocations(&u, &q))?)
}
async fn cancel_async_invocation(
    State(app): State<App>,
    Path((p, u)): Path<(String, String)>,
    Json(b): Json<CancelAsyncInvocationRequest>,
) -> Answer {
    app.call(&p, move |e| e.cancel_async_invocation(&u, &b))
        .await?;
    ok(serde_json::Value::Null)
}
