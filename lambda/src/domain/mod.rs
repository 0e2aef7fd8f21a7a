//! The batch and its rule, knowing nothing of Lambda: JSON bytes in, an exact summary (or an
//! input error naming the field) out. Nothing here reads the environment, talks to the network
//! or knows how the answer travels.
//!
//! - [`compact_batch`]: the usual batch layout read straight from its bytes (else `None`)
//! - [`document`]: one pass over simd-json's stage-1 index: the JSON grammar, number text kept
//! - [`payload`]: the batch schema, with field paths in every error
//! - [`money`]: exact decimal amounts and totals
//! - [`credits`]: the rule (keep `CREDIT`, total, sign)
//! - [`signature`]: SHA-256 of the credit IDs through AWS-LC
//! - [`error`]: input errors, with the stable code, HTTP status and Lambda `errorType` each maps to

pub mod compact_batch;
pub mod credits;
pub mod document;
pub mod error;
pub mod money;
pub mod payload;
pub mod signature;
