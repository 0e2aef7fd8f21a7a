//! A whole event as the runtime hands it over: direct batches and API Gateway envelopes.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| transactions_fuzz::check_event(data));
