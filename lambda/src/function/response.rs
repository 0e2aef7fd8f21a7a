//! Renders answers as JSON text into reused buffers. Key order is part of the contract:
//! `status`, `totalCredit`, `signature`, `processedAt`, then `requestId` and `creditCount`.

use std::io::Write;
use std::time::SystemTime;

use crate::domain::credits::Summary;
use crate::domain::error::InputError;
use crate::domain::payload::BatchInfo;

pub fn write_success(out: &mut Vec<u8>, summary: &Summary, info: &BatchInfo<'_>, now: SystemTime) {
    out.clear();
    // Writing to a Vec cannot fail; the results are ignored for that reason.
    let _ = write!(
        out,
        r#"{{"status":"success","totalCredit":{},"signature":""#,
        summary.total
    );
    out.extend_from_slice(&summary.signature);
    let _ = write!(
        out,
        r#"","processedAt":"{}""#,
        humantime::format_rfc3339_seconds(now)
    );
    if let Some(id) = &info.request_id {
        out.extend_from_slice(br#","requestId":"#);
        write_json_string(out, id);
    }
    let _ = write!(out, r#","creditCount":{}}}"#, summary.credit_count);
}

/// `{"status":"error","error":{"code":...,"message":...}}`
pub fn write_error(out: &mut Vec<u8>, err: &InputError) {
    out.clear();
    out.extend_from_slice(br#"{"status":"error","error":{"code":""#);
    out.extend_from_slice(err.code.as_str().as_bytes());
    out.extend_from_slice(br#"","message":"#);
    write_json_string(out, &err.message);
    out.extend_from_slice(b"}}");
}

/// The API Gateway answer to `err`: its error document (written into `body`, a scratch
/// buffer) inside a proxy response with the error's HTTP status.
pub fn write_http_error(out: &mut Vec<u8>, body: &mut Vec<u8>, err: &InputError) {
    write_error(body, err);
    write_http(out, err.code.http_status(), body);
}

/// An API Gateway proxy response carrying `body` (JSON text) with `status`.
pub fn write_http(out: &mut Vec<u8>, status: u16, body: &[u8]) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"statusCode":{status},"headers":{{"content-type":"application/json"}},"isBase64Encoded":false,"body":"#
    );
    // The body is our own UTF-8 JSON text.
    write_json_string(out, std::str::from_utf8(body).unwrap_or(""));
    out.push(b'}');
}

/// `{"errorType":...,"errorMessage":...}`: the error document of the Runtime API.
pub fn write_function_error(out: &mut Vec<u8>, error_type: &str, message: &str) {
    out.clear();
    out.extend_from_slice(br#"{"errorType":"#);
    write_json_string(out, error_type);
    out.extend_from_slice(br#","errorMessage":"#);
    write_json_string(out, message);
    out.push(b'}');
}

fn write_json_string(out: &mut Vec<u8>, s: &str) {
    // serde_json's escaper: correct for every control character and non-ASCII input.
    let _ = serde_json::to_writer(&mut *out, s);
}
