//! Throughput of the in-process path at 3, 1,000 and 100,000 transactions, with the
//! alternatives beside the chosen path so each choice is justified by numbers:
//! - `process`: the whole job (parse, filter, exact total, signature, response), chosen path.
//! - `parse`: stage 1 + grammar walk (chosen) vs simd-json's full tape (the previous parser)
//!   vs serde_json into owned structs vs serde_json `Value`.
//! - `receive`: what `lambda_runtime::run` costs before a handler sees a payload (serde_json
//!   into `Box<RawValue>`) vs the copy our own Runtime API loop makes.
//! - `sha256`: AWS-LC (chosen) vs RustCrypto sha2 over the credit IDs.

use std::hint::black_box;
use std::time::UNIX_EPOCH;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::Deserialize;
use sha2::Digest;
use transactions_lambda::domain::document::Parser;
use transactions_lambda::domain::signature::Signer;
use transactions_lambda::{Processor, Reply};

// The batch generator of `examples/gen_batch` (reproducible: the same seed, the same bytes).
#[path = "../examples/gen_batch/batch.rs"]
#[allow(dead_code)] // the bench uses the generator only
mod batch;

use batch::{write_batch, BatchSpec};

const SIZES: [usize; 3] = [3, 1_000, 100_000];

fn payload(transactions: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let spec = BatchSpec {
        transactions,
        ..BatchSpec::default()
    };
    write_batch(&spec, &mut out).expect("generate payload");
    out
}

#[derive(Deserialize)]
#[allow(dead_code)] // fields are read by the deserializer, which is what is measured
struct OwnedTx {
    id: String,
    amount: f64,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct OwnedBatch {
    #[serde(rename = "requestId")]
    request_id: String,
    transactions: Vec<OwnedTx>,
}

fn bench_process(c: &mut Criterion) {
    let mut group = c.benchmark_group("process");
    for n in SIZES {
        let input = payload(n);
        group.throughput(Throughput::Bytes(input.len() as u64));
        let mut processor = Processor::new();
        group.bench_with_input(BenchmarkId::new("chosen", n), &input, |b, input| {
            b.iter(|| match processor.handle(black_box(input), UNIX_EPOCH) {
                Reply::Response(answer) => answer.len(),
                Reply::Failure(err) => panic!("{err}"),
            })
        });
    }
    group.finish();
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for n in SIZES {
        let input = payload(n);
        group.throughput(Throughput::Bytes(input.len() as u64));
        let mut parser = Parser::default();
        group.bench_with_input(
            BenchmarkId::new("stage1-general-walk", n),
            &input,
            |b, input| {
                b.iter(|| {
                    parser
                        .parse(black_box(input), "payload")
                        .and_then(|document| document.validate())
                        .unwrap()
                })
            },
        );
        // The previous parser: a padded copy, then simd-json's full tape (numbers as f64).
        let (mut copy, mut buffers, mut tape) =
            (Vec::new(), simd_json::Buffers::new(n), Vec::new());
        group.bench_with_input(BenchmarkId::new("simd-json-tape", n), &input, |b, input| {
            b.iter(|| {
                copy.clear();
                copy.extend_from_slice(black_box(input));
                copy.resize(input.len() + simd_json::INPUT_PADDING, 0);
                let mut parsed = simd_json::Tape(std::mem::take(&mut tape)).reset();
                simd_json::fill_tape_padded(&mut copy, input.len(), &mut buffers, &mut parsed)
                    .unwrap();
                let len = parsed.0.len();
                tape = parsed.reset().0;
                len
            })
        });
        group.bench_with_input(
            BenchmarkId::new("serde_json-owned", n),
            &input,
            |b, input| {
                b.iter(|| {
                    serde_json::from_slice::<OwnedBatch>(black_box(input))
                        .unwrap()
                        .transactions
                        .len()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json-value", n),
            &input,
            |b, input| {
                b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(input)).unwrap())
            },
        );
    }
    group.finish();
}

fn bench_receive(c: &mut Criterion) {
    let mut group = c.benchmark_group("receive");
    let input = payload(100_000);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("lambda_runtime-rawvalue/100000", |b| {
        b.iter(|| {
            serde_json::from_slice::<Box<serde_json::value::RawValue>>(black_box(&input)).unwrap()
        })
    });
    let mut buffer = Vec::new();
    group.bench_function("own-loop-copy/100000", |b| {
        b.iter(|| {
            buffer.clear();
            buffer.extend_from_slice(black_box(&input));
            buffer.len()
        })
    });
    group.finish();
}

fn bench_sha256(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha256");
    for n in SIZES {
        let ids: Vec<String> = (1..=n).map(|i| format!("tx-{i}")).collect();
        let bytes: usize = ids.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::new("aws-lc", n), &ids, |b, ids| {
            b.iter(|| {
                let mut s = Signer::default();
                ids.iter().for_each(|id| s.update(id.as_bytes()));
                s.finish()
            })
        });
        group.bench_with_input(BenchmarkId::new("sha2", n), &ids, |b, ids| {
            b.iter(|| {
                let mut h = sha2::Sha256::new();
                ids.iter().for_each(|id| h.update(id.as_bytes()));
                h.finalize()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_process,
    bench_parse,
    bench_receive,
    bench_sha256
);
criterion_main!(benches);
