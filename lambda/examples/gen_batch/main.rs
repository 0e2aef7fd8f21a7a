//! Writes a deterministic N-transaction batch (JSON) to stdout or a file, for large-input runs
//! that anyone can reproduce (formerly `lambda-bench gen`; the same arguments give the same
//! bytes):
//!
//! ```sh
//! cargo run --release -p transactions-lambda --example gen_batch -- -n 100000 --seed 7 --expect > p100k.json
//! # stderr: requestId=req-gen-7-100000 creditCount=49935 totalCredit=249426789.2
//! ```
//!
//! Options: `-n/--transactions N` (1000), `-s/--seed N` (1), `--credit-ratio R` (0.5, share
//! of CREDIT), `--max-amount A` (10000, two decimals at most), `-o/--output FILE` (else
//! stdout, with a final newline), `--expect` (print the expected answer to stderr).

mod batch;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use batch::{format_cents, write_batch, BatchSpec};

const USAGE: &str =
    "usage: gen_batch [-n N] [-s SEED] [--credit-ratio R] [--max-amount A] [-o FILE] [--expect]";

/// The command line, interpreted.
#[derive(Debug, PartialEq)]
struct Args {
    spec: BatchSpec,
    output: Option<PathBuf>,
    expect: bool,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut spec = BatchSpec::default();
    let (mut output, mut expect, mut max_amount) = (None, false, 10000.0);
    let mut args = argv.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        let number = |v: String| v.parse().map_err(|_| format!("{flag} {v:?}: not a number"));
        match flag {
            "-n" | "--transactions" => spec.transactions = value().and_then(number)? as usize,
            "-s" | "--seed" => spec.seed = value().and_then(number)? as u64,
            "--credit-ratio" => spec.credit_ratio = value().and_then(number)?,
            "--max-amount" => max_amount = value().and_then(number)?,
            "-o" | "--output" => output = Some(PathBuf::from(value()?)),
            "--expect" => expect = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if !(0.0..=1.0).contains(&spec.credit_ratio) {
        return Err("--credit-ratio must be between 0 and 1".into());
    }
    spec.max_cents = (max_amount * 100.0).round().max(1.0) as u64;
    Ok(Args {
        spec,
        output,
        expect,
    })
}

/// Writes the batch (to `stdout` unless `--output`) and the expectations (to `stderr`).
fn run(argv: &[String], stdout: &mut impl Write, stderr: &mut impl Write) -> Result<(), String> {
    let args = parse(argv)?;
    let io = |e: std::io::Error| e.to_string();
    let expected = match &args.output {
        Some(path) => {
            let file =
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let expected = write_batch(&args.spec, &mut out).map_err(io)?;
            out.flush().map_err(io)?;
            expected
        }
        None => {
            let mut out = std::io::BufWriter::new(stdout);
            let expected = write_batch(&args.spec, &mut out).map_err(io)?;
            out.write_all(b"\n").and_then(|_| out.flush()).map_err(io)?;
            expected
        }
    };
    if args.expect {
        writeln!(
            stderr,
            "requestId={} creditCount={} totalCredit={}",
            expected.request_id,
            expected.credit_count,
            format_cents(expected.total_credit_cents)
        )
        .map_err(io)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match run(&argv, &mut std::io::stdout().lock(), &mut std::io::stderr()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    fn gen(args: &[&str]) -> (Vec<u8>, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(&argv(args), &mut out, &mut err).unwrap();
        (out, String::from_utf8(err).unwrap())
    }

    #[test]
    fn flags_as_lambda_bench_gen_took_them() {
        let args = parse(&argv(&[
            "-n",
            "5",
            "--seed=3",
            "--credit-ratio",
            "0.25",
            "--max-amount",
            "2.5",
            "-o",
            "f",
            "--expect",
        ]))
        .unwrap();
        assert_eq!(
            (
                args.spec.transactions,
                args.spec.seed,
                args.spec.credit_ratio
            ),
            (5, 3, 0.25)
        );
        assert_eq!(args.spec.max_cents, 250);
        assert_eq!(args.output, Some(PathBuf::from("f")));
        assert!(args.expect);
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults.spec, BatchSpec::default());
        assert!(parse(&argv(&["--credit-ratio", "2"])).is_err());
        assert!(parse(&argv(&["-n"])).is_err());
        assert!(parse(&argv(&["--nope"])).is_err());
    }

    #[test]
    fn deterministic_and_reports_expectations() {
        let (a, expect) = gen(&["--transactions", "1000", "--seed", "7", "--expect"]);
        let (b, _) = gen(&["--transactions", "1000", "--seed", "7", "--expect"]);
        let (c, _) = gen(&["--transactions", "1000", "--seed", "8", "--expect"]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let doc: serde_json::Value = serde_json::from_slice(&a).unwrap();
        assert_eq!(doc["transactions"].as_array().unwrap().len(), 1000);
        assert!(
            expect.starts_with("requestId=req-gen-7-1000 creditCount="),
            "{expect}"
        );
        assert!(a.ends_with(b"]}\n"), "stdout gets a final newline");
    }

    #[test]
    fn a_file_gets_the_batch_without_newline() {
        let path = std::env::temp_dir().join(format!("gen_batch_{}.json", std::process::id()));
        let (out, _) = gen(&["-n", "3", "-o", path.to_str().unwrap()]);
        assert!(out.is_empty());
        let bytes = std::fs::read(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert!(bytes.ends_with(b"]}"));
        assert!(bytes.starts_with(br#"{"requestId":"req-gen-1-3","transactions":[{"id":"tx-1","#));
    }
}
