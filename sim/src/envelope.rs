//! The Cloudflare v4 response envelope of a success:
//! `{"success", "errors", "messages", "result", "result_info"?}`. Failures
//! are [`crate::errors::ApiError`]'s; together they are the only ways a
//! response is made.

use crate::dialect::Dialect;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// 200 with `result` and no `result_info`.
pub fn ok(result: Value) -> Response {
    axum::Json(json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result": result,
    }))
    .into_response()
}

/// Page-based pagination parameters after validation.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

/// Cuts one page out of `items` and answers it with a `result_info`
/// `{page, per_page, count, total_count, total_pages}`. A page past the end is an
/// empty list (the official SDKs stop on the first empty page). The observed
/// dialect leaves `total_pages` out, as the recorded answers do.
pub fn ok_page(items: Vec<Value>, request: PageRequest, dialect: Dialect) -> Response {
    let total_count = items.len() as u64;
    let total_pages = total_count.div_ceil(request.per_page);
    let skip = (request.page - 1).saturating_mul(request.per_page);
    let page_items: Vec<Value> = items
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(usize::try_from(request.per_page).unwrap_or(usize::MAX))
        .collect();
    let mut result_info = json!({
        "page": request.page,
        "per_page": request.per_page,
        "count": page_items.len(),
        "total_count": total_count,
    });
    if !dialect.is_observed() {
        result_info["total_pages"] = json!(total_pages);
    }
    axum::Json(json!({
        "success": true,
        "errors": [],
        "messages": [],
        "result_info": result_info,
        "result": page_items,
    }))
    .into_response()
}

/// A single-page list (account subscriptions, tenant lists): `result` is the whole array.
pub fn ok_list(items: Vec<Value>) -> Response {
    ok(Value::Array(items))
}
