//! What makes the domain a Lambda function: the events Lambda delivers (a direct batch, or an
//! API Gateway proxy event around one), Lambda's 6 MB payload limit, the answers each caller
//! expects, the Runtime API loop, Lambda's log format, and the allocator set-up.
//!
//! - [`processor`]: one event in, one answer out: size limits, event kind, buffers reused
//! - [`envelope`]: direct invocation vs API Gateway event (body, base64, content-type)
//! - [`response`]: JSON answers: success, error document, HTTP envelope, function error
//! - [`runtime`]: the workers: next, handle, answer; one, or N on T threads
//! - [`runtime_api`]: one keep-alive connection to the Runtime API per worker
//! - [`concurrency`]: how many invocations at once (`AWS_LAMBDA_MAX_CONCURRENCY`), on how many threads
//! - [`logging`]: Lambda's JSON/text log lines, level from the environment
//! - [`allocator`]: mimalloc, configured before the first allocation

pub mod allocator;
pub mod concurrency;
pub(crate) mod envelope;
pub mod logging;
pub mod processor;
pub(crate) mod response;
pub mod runtime;
pub mod runtime_api;
