//! `lambda-bench`: see `lambda-bench --help` and docs/bench.md.

mod cli;
mod output;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use lambda_bench::benchmark::{run_local, Event, LocalOptions, RunResults, Target};
use lambda_bench::export::{
    render_comparisons, render_target, Exporter, JsonExporter, MarkdownExporter,
};
use lambda_bench::payload::{format_cents, write_payload, PayloadSpec};
use lambda_bench::Wrapper;

use cli::{Cli, Command, GenArgs, OutputArgs, RunArgs};
use output::BarProgress;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let work = async {
        match cli.command {
            Command::Run(args) => run(args, false).await,
            Command::Compare(args) => run(args, true).await,
            Command::Gen(args) => generate(args),
            #[cfg(feature = "cloud")]
            Command::Cloud(args) => cloud(args).await,
        }
    };
    // On Ctrl-C the work future is dropped here, and with it every function process (their
    // process groups are killed on drop) and Runtime API.
    let result = tokio::select! {
        result = work => result,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("interrupted: functions stopped");
            return ExitCode::from(130);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

type CliResult = Result<ExitCode, String>;

async fn run(args: RunArgs, compare: bool) -> CliResult {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this lambda-bench is a debug build: its own Runtime API adds about 0.1 ms to \
             every Duration; build it with --profile tool (or --release) to measure"
        );
    }
    let targets = parse_targets(&args.bootstraps)?;
    if compare && targets.len() < 2 {
        return Err("compare needs at least two bootstraps (the same one twice is fine)".into());
    }
    let events = load_events(&args.events.events)?;
    let opts = LocalOptions {
        cold_runs: args.cold,
        warm_runs: args.warm,
        warmup: args.warmup,
        timeout: seconds(args.timeout, "--timeout")?,
        init_timeout: seconds(args.init_timeout, "--init-timeout")?,
        memory_mb: args.memory,
        wrapper: parse_wrapper(&args.wrapper),
        env: parse_env(&args.env)?,
        echo_logs: args.show_logs,
        ..LocalOptions::default()
    };
    let progress = BarProgress::new(args.output.verbose);
    let results = run_local(&targets, &events, &opts, &progress)
        .await
        .map_err(|e| e.to_string())?;
    finish(RunResults::new("local", results), &args.output)
}

/// Prints the tables and answers, writes the exports; exit code 1 when anything failed.
fn finish(results: RunResults, out: &OutputArgs) -> CliResult {
    let json_to_stdout = out.json.as_deref() == Some(Path::new("-"));
    let mut human = String::new();
    for t in &results.targets {
        if !out.quiet && !t.answers.is_empty() {
            human.push_str(&format!("Answers of {}:\n", t.name));
            for a in &t.answers {
                human.push_str(&format!(
                    "  {:<24} {:<15} {}\n",
                    a.event,
                    format!("{:?}", a.status),
                    a.text
                ));
            }
            human.push('\n');
        }
    }
    for t in &results.targets {
        human.push_str(&render_target(t));
        human.push('\n');
    }
    human.push_str(&render_comparisons(&results.comparisons));
    if json_to_stdout {
        eprint!("{human}");
    } else {
        print!("{human}");
    }
    if let Some(path) = &out.json {
        write_export(path, &JsonExporter, &results)?;
    }
    if let Some(path) = &out.markdown {
        write_export(path, &MarkdownExporter, &results)?;
    }
    if let Some(path) = &out.plot {
        plot(path, &results)?;
    }
    Ok(if results.clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(feature = "plot")]
fn plot(path: &Path, results: &RunResults) -> Result<(), String> {
    lambda_bench::plot::write_svg(path, results).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("plot written to {}", path.display());
    Ok(())
}

#[cfg(not(feature = "plot"))]
fn plot(_: &Path, _: &RunResults) -> Result<(), String> {
    Err("this lambda-bench was built without the `plot` feature".into())
}

fn write_export(path: &Path, exporter: &dyn Exporter, results: &RunResults) -> Result<(), String> {
    let bytes = exporter.serialize(results).map_err(|e| e.to_string())?;
    if path == Path::new("-") {
        std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| e.to_string())
    } else {
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn generate(args: GenArgs) -> CliResult {
    if !(0.0..=1.0).contains(&args.credit_ratio) {
        return Err("--credit-ratio must be between 0 and 1".into());
    }
    let spec = PayloadSpec {
        transactions: args.transactions,
        seed: args.seed,
        credit_ratio: args.credit_ratio,
        max_cents: (args.max_amount * 100.0).round().max(1.0) as u64,
    };
    let expected = match &args.output {
        Some(path) => {
            let file =
                std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let expected = write_payload(&spec, &mut out).map_err(|e| e.to_string())?;
            out.flush().map_err(|e| e.to_string())?;
            expected
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let expected = write_payload(&spec, &mut out).map_err(|e| e.to_string())?;
            out.write_all(b"\n")
                .and_then(|_| out.flush())
                .map_err(|e| e.to_string())?;
            expected
        }
    };
    if args.expect {
        eprintln!(
            "requestId={} creditCount={} totalCredit={}",
            expected.request_id,
            expected.credit_count,
            format_cents(expected.total_credit_cents)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "cloud")]
async fn cloud(args: cli::CloudArgs) -> CliResult {
    use lambda_bench::cloud::{CloudBench, CloudOptions};
    let events = load_events(&args.events.events)?;
    let options = CloudOptions {
        function: args.function.clone(),
        qualifier: args.qualifier.clone(),
        region: args.region.clone(),
        profile: args.profile.clone(),
        endpoint_url: args.endpoint_url.clone(),
        cold_runs: args.cold,
        warm_runs: args.warm,
        concurrency: args.concurrency.max(1),
        max_attempts: args.max_attempts.max(1),
        initial_backoff: Duration::from_millis(args.initial_backoff_ms),
        logs_timeout: seconds(args.logs_timeout, "--logs-timeout")?,
        update_timeout: seconds(args.update_timeout, "--update-timeout")?,
    };
    let bench = CloudBench::connect(options).await;
    let progress = BarProgress::new(args.output.verbose);
    let result = bench
        .run(&events, &progress)
        .await
        .map_err(|e| e.to_string())?;
    finish(RunResults::new("cloud", vec![result]), &args.output)
}

fn seconds(value: f64, flag: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{flag} must be a positive number of seconds"))
}

/// `label=path` or `path`; the same label twice gets `#1`, `#2`.
fn parse_targets(specs: &[String]) -> Result<Vec<Target>, String> {
    let mut targets: Vec<Target> = specs
        .iter()
        .map(|spec| match spec.split_once('=') {
            Some((label, path)) if !label.is_empty() && !label.contains('/') => Target {
                name: label.to_owned(),
                binary: PathBuf::from(path),
            },
            _ => {
                let binary = PathBuf::from(spec);
                let name = binary.file_name().map(|n| n.to_string_lossy().into_owned());
                Target {
                    name: name.unwrap_or_else(|| spec.clone()),
                    binary,
                }
            }
        })
        .collect();
    for t in &targets {
        if !t.binary.is_file() {
            return Err(format!(
                "{}: no such file (build it first?)",
                t.binary.display()
            ));
        }
    }
    let names: Vec<String> = targets.iter().map(|t| t.name.clone()).collect();
    for (i, t) in targets.iter_mut().enumerate() {
        if names.iter().filter(|n| **n == t.name).count() > 1 {
            let nth = names[..=i].iter().filter(|n| **n == t.name).count();
            t.name = format!("{} #{nth}", t.name);
        }
    }
    Ok(targets)
}

/// Files as given; directories expand to their `*.json` files, sorted.
fn load_events(paths: &[PathBuf]) -> Result<Vec<Event>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: no .json files", path.display()));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    files
        .into_iter()
        .map(|path| {
            let payload = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Event {
                name,
                payload: payload.into(),
            })
        })
        .collect()
}

fn parse_wrapper(spec: &str) -> Wrapper {
    match spec {
        "auto" => Wrapper::Auto,
        "none" | "" => Wrapper::None,
        command => Wrapper::Command(command.split_whitespace().map(str::to_owned).collect()),
    }
}

fn parse_env(pairs: &[String]) -> Result<Vec<(String, String)>, String> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
            _ => Err(format!("--env {pair:?}: expected KEY=VALUE")),
        })
        .collect()
}
