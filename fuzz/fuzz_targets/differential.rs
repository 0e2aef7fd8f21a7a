//! The one-pass walker against the previous tape-based reader, on arbitrary bytes and on
//! mutations of valid batches (seed the corpus with events/ and use fuzz/json.dict).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| transactions_fuzz::check_differential(data));
