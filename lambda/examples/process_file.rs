//! Processes an event file N times in-process and prints the fastest and median wall time:
//! `cargo run --release --example process_file -- FILE [N]`. For profilers (callgrind, perf)
//! without criterion's machinery in the way.

use std::time::{Instant, SystemTime};

use transactions_lambda::{Processor, Reply};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: process_file FILE [N]");
    let n: usize = args.next().map_or(10, |s| s.parse().expect("N"));
    let event = std::fs::read(&path).expect("read event");
    let mut processor = Processor::new();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        match processor.handle(&event, SystemTime::now()) {
            Reply::Response(answer) => std::hint::black_box(answer.len()),
            Reply::Failure(err) => panic!("{err}"),
        };
        times.push(start.elapsed());
    }
    times.sort();
    let mb = event.len() as f64 / 1e6;
    let best = times[0].as_secs_f64();
    println!(
        "{} bytes x{n}: min {:.3} ms ({:.0} MB/s), p50 {:.3} ms",
        event.len(),
        best * 1e3,
        mb / best,
        times[n / 2].as_secs_f64() * 1e3
    );
}
