//! `lambda-bench`: see `lambda-bench --help` and docs/bench.md.
//!
//! The composition only: [`cli`] parses, [`options`] interprets, the library measures,
//! `export` writes, [`output`] shows progress; [`Ending`] is the exit status.

mod cli;
mod lmi;
mod options;
mod output;
mod sizing;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use lambda_bench::benchmark::{run_local, Mode, RunResults};
use lambda_bench::error::{Ending, Error, Result};
use lambda_bench::export::{Exporter, JsonExporter, MarkdownExporter, TableExporter};

use cli::{Cli, Command, CountArgs, LoadArgs, OutputArgs, RunArgs};
use output::BarProgress;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command;
    // A sweep handles Ctrl-C itself: it must restore the function before it stops.
    #[cfg(feature = "cloud")]
    let command = match command {
        Command::Cloud(args) if !args.sweep.memory.is_empty() => {
            let ending = sizing::sweep(args).await;
            if let Ending::Failed(e) = &ending {
                eprintln!("error: {e}");
            }
            return ExitCode::from(ending.exit_code());
        }
        other => other,
    };
    let work = async {
        match command {
            Command::Run(args) => run(args, 1).await,
            Command::Compare(args) => run(args, 2).await,
            Command::Gen { .. } => Err(Error::usage(
                "gen moved to the lambda crate (it writes this project's transaction batches): \
                 cargo run --release -p transactions-lambda --example gen_batch -- -n 100000 > p100k.json",
            )),
            #[cfg(feature = "cloud")]
            Command::Cloud(args) => cloud(args).await,
            Command::Count(args) => count(args).await,
            Command::Load(args) => load(args).await,
            Command::Price(args) => sizing::price(&args),
            Command::LmiCost(args) => lmi::cost(&args),
        }
    };
    // On Ctrl-C the work future is dropped here, and with it every function process (their
    // process groups are killed on drop) and Runtime API.
    let ending = tokio::select! {
        result = work => Ending::from(result),
        _ = tokio::signal::ctrl_c() => Ending::Interrupted,
    };
    match &ending {
        Ending::Interrupted => eprintln!("interrupted: functions stopped"),
        Ending::Failed(e) => eprintln!("error: {e}"),
        Ending::Clean | Ending::SomeFailed => {}
    }
    ExitCode::from(ending.exit_code())
}

/// `run` (and `compare`, which asks for `min_targets` = 2): one or more bootstraps, compared
/// when there are several. `Ok(clean)`.
async fn run(args: RunArgs, min_targets: usize) -> Result<bool> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this lambda-bench is a debug build: its own Runtime API adds about 0.1 ms to \
             every Duration; build it with --profile tool (or --release) to measure"
        );
    }
    let targets = options::parse_targets(&args.bootstraps)?;
    if targets.len() < min_targets {
        return Err(Error::usage(
            "compare needs at least two bootstraps (the same one twice is fine)",
        ));
    }
    let events = options::load_events(&args.events.events)?;
    let opts = options::local_options(&args)?;
    let progress = BarProgress::new(args.output.verbose);
    let results = run_local(&targets, &events, &opts, &progress).await?;
    finish(RunResults::new(Mode::Local, results), &args.output)
}

#[cfg(feature = "cloud")]
async fn cloud(args: cli::CloudArgs) -> Result<bool> {
    use lambda_bench::cloud::CloudBench;
    let events = options::load_events(&args.events.events)?;
    let bench = CloudBench::connect(options::cloud_options(&args)?).await;
    let progress = BarProgress::new(args.output.verbose);
    let result = bench.run(&events, &progress).await?;
    finish(RunResults::new(Mode::Cloud, vec![result]), &args.output)
}

/// Prints the tables (to stderr when the JSON goes to stdout), writes the exports; `Ok(clean)`.
fn finish(results: RunResults, out: &OutputArgs) -> Result<bool> {
    let human = TableExporter {
        answers: !out.quiet,
    }
    .serialize(&results)?;
    if out.json.as_deref() == Some(Path::new("-")) {
        std::io::stderr().write_all(&human)?;
    } else {
        std::io::stdout().write_all(&human)?;
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
    Ok(results.clean())
}

/// `count`: measures (or reads `--results`), prints the table, exports, writes the baseline if
/// asked, and gates against `--baseline`; `Ok(passed)`.
async fn count(args: CountArgs) -> Result<bool> {
    use lambda_bench::count::{self, baseline, CountResults};
    let results: CountResults = match &args.results {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(Error::file(path))?;
            serde_json::from_slice(&bytes).map_err(|e| {
                Error::usage(format!(
                    "{}: not a `count --json` document: {e}",
                    path.display()
                ))
            })?
        }
        None => {
            let targets = options::parse_targets(&args.bootstraps)?;
            let events = options::load_events(&args.events)?;
            let opts = options::count_options(&args)?;
            count::count_all(&targets, &events, &opts, &|line| {
                eprintln!("counting {line}")
            })
            .await?
        }
    };
    let human = count::table(&results);
    if args.json.as_deref() == Some(Path::new("-")) {
        eprint!("{human}");
    } else {
        print!("{human}");
    }
    if let Some(path) = &args.json {
        let mut bytes = serde_json::to_vec_pretty(&results)?;
        bytes.push(b'\n');
        write_bytes(path, &bytes)?;
    }
    if let Some(path) = &args.markdown {
        write_bytes(path, count::markdown(&results).as_bytes())?;
    }
    let mut passed = true;
    if let Some(path) = &args.baseline {
        let gate = baseline::check(&results, &baseline::Baseline::read(path)?, args.tolerance)?;
        println!("\nagainst {}:\n{}", path.display(), gate.render());
        passed = gate.passed();
    }
    if let Some(path) = &args.update_baseline {
        let old = baseline::Baseline::read(path).ok();
        let tolerance = args
            .tolerance
            .or(old.as_ref().map(|b| b.tolerance_percent))
            .unwrap_or(1.0);
        let mut new = baseline::Baseline::from_results(&results, tolerance);
        if let Some(old) = old {
            new.about = old.about;
        }
        new.write(path)?;
        eprintln!("baseline written to {}", path.display());
        passed = true;
    }
    Ok(passed)
}

/// `load`: measures, prints the table (load-average warnings first, also on stderr), exports;
/// `Ok(clean)`: every answer right and every poll opened.
async fn load(args: LoadArgs) -> Result<bool> {
    use lambda_bench::load::{self, render};
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this lambda-bench is a debug build: its own Runtime API is part of every \
             figure under load; build it with --profile tool (or --release) to measure"
        );
    }
    let targets = options::parse_targets(&args.bootstraps)?;
    let events = options::load_event_files(&args.events.events)?;
    let opts = options::load_options(&args)?;
    if let Some(avg) = load::results::load_average().filter(|a| a[0] > 1.0) {
        eprintln!(
            "WARNING: load average is {:.2} before the run: something else is using the CPUs",
            avg[0]
        );
    }
    let results = load::run_load(&targets, &events, &opts, &|line| {
        eprintln!("measuring {line}")
    })
    .await?;
    let human = render::table(&results);
    if args.json.as_deref() == Some(Path::new("-")) {
        eprint!("{human}");
    } else {
        print!("{human}");
    }
    if let Some(path) = &args.json {
        let mut bytes = serde_json::to_vec_pretty(&results)?;
        bytes.push(b'\n');
        write_bytes(path, &bytes)?;
    }
    if let Some(path) = &args.markdown {
        write_bytes(path, render::markdown(&results).as_bytes())?;
    }
    if let Some(path) = &args.plot {
        load_plot(path, &results)?;
    }
    Ok(results.clean())
}

#[cfg(feature = "plot")]
fn load_plot(path: &Path, results: &lambda_bench::load::LoadResults) -> Result<()> {
    lambda_bench::load::plot::write_svg(path, results)?;
    eprintln!("plot written to {}", path.display());
    Ok(())
}

#[cfg(not(feature = "plot"))]
fn load_plot(_: &Path, _: &lambda_bench::load::LoadResults) -> Result<()> {
    Err(Error::usage(
        "this lambda-bench was built without the `plot` feature",
    ))
}

fn write_export(path: &Path, exporter: &dyn Exporter, results: &RunResults) -> Result<()> {
    write_bytes(path, &exporter.serialize(results)?)
}

/// To the file, or to stdout for `-`.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    if path == Path::new("-") {
        std::io::stdout().write_all(bytes)?;
        Ok(())
    } else {
        std::fs::write(path, bytes).map_err(Error::file(path))
    }
}

#[cfg(feature = "plot")]
fn plot(path: &Path, results: &RunResults) -> Result<()> {
    lambda_bench::plot::write_svg(path, results)?;
    eprintln!("plot written to {}", path.display());
    Ok(())
}

#[cfg(not(feature = "plot"))]
fn plot(_: &Path, _: &RunResults) -> Result<()> {
    Err(Error::usage(
        "this lambda-bench was built without the `plot` feature",
    ))
}
