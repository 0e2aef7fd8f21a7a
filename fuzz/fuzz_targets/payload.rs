//! The batch parser alone: simd-json tape + number text + schema reader + exact amounts.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| transactions_fuzz::check_payload(data));
