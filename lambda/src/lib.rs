//! Credit totals and signatures for batches of financial transactions, as an AWS Lambda function.
//!
//! Two layers, one directory each:
//! - [`domain`] knows nothing of Lambda: a batch's JSON bytes in, an exact total, a signature
//!   and a credit count (or an [`InputError`] naming the field) out.
//! - [`function`] makes it a Lambda function: [`Processor::handle`] takes an event as Lambda
//!   delivers it (a direct batch, or an API Gateway event around one; 6 MB at most) and returns
//!   the reply each caller expects; the `bootstrap` binary drives it from the Runtime API loop.

pub mod domain;
pub mod function;

pub use domain::error::{ErrorCode, InputError};
pub use function::processor::{Processor, Reply};
