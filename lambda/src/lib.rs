//! Credit totals and signatures for batches of financial transactions.
//!
//! The business logic knows nothing about Lambda: [`Processor::handle`] takes an event's bytes
//! and returns the answer. The `bootstrap` binary wires it to the Lambda Runtime API.
//!
//! - [`document`]: simd-json tape walked with the original number text in reach
//! - [`payload`]: the batch schema, with field paths in every error
//! - [`money`]: exact decimal amounts and totals
//! - [`signature`]: SHA-256 of the credit IDs through AWS-LC
//! - [`credits`]: the rule (keep `CREDIT`, total, sign)
//! - [`envelope`]: direct invocation vs API Gateway event
//! - [`response`]: JSON answers, success and error
//! - [`processor`]: one event in, one answer out, buffers reused
//! - [`runtime`]: the Runtime API loop; [`logging`]: Lambda-style log lines
//! - [`allocator`]: mimalloc, configured before the first allocation

pub mod allocator;
pub mod credits;
pub mod document;
pub mod envelope;
pub mod error;
pub mod logging;
pub mod money;
pub mod payload;
pub mod processor;
pub mod response;
pub mod runtime;
pub mod signature;

pub use error::{ErrorCode, InputError};
pub use processor::{Outcome, Processor};
