//! Memory sizes, priced: `lambda-bench cloud --memory 128,256,...` (a sweep of a deployed
//! function) and `lambda-bench price RUN.json` (a local run under the CPU-share model), and
//! their table, exports and plot. A sweep handles Ctrl-C itself (it restores the function
//! first), so it runs outside `main`'s Ctrl-C race.

use std::io::Write;
use std::path::Path;

use lambda_bench::benchmark::RunResults;
use lambda_bench::error::{Error, Result};
use lambda_bench::tuning::{model, render, SweepResults};

use crate::cli::{OutputArgs, PriceArgs};
use crate::options;

/// `price`: the run's target at each size, modeled; `Ok(true)`.
pub fn price(args: &PriceArgs) -> Result<bool> {
    let sizes = options::sweep_sizes(&args.memory)?;
    let judging = options::judging(&args.judging, Some("arm64"))?;
    let bytes = std::fs::read(&args.run).map_err(Error::file(&args.run))?;
    let run: RunResults = serde_json::from_slice(&bytes).map_err(|e| {
        Error::usage(format!(
            "{}: not a lambda-bench run export ({e})",
            args.run.display()
        ))
    })?;
    let names = || {
        run.targets
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let local = match (&args.target, run.targets.as_slice()) {
        (None, [only]) => only,
        (None, _) => {
            return Err(Error::usage(format!(
                "{} has several targets ({}): pick one with --target",
                args.run.display(),
                names()
            )))
        }
        (Some(name), targets) => targets.iter().find(|t| &t.name == name).ok_or_else(|| {
            Error::usage(format!("--target {name}: not in the run ({})", names()))
        })?,
    };
    let targets = sizes
        .iter()
        .map(|&mb| model::at_memory(local, mb))
        .collect();
    let results = SweepResults::new(
        format!(
            "Modeled from a local run ({}, {} {}): {}",
            args.run.display(),
            run.host.os,
            run.host.arch,
            local.name
        ),
        local.name.clone(),
        local.memory_size_mb,
        targets,
        judging,
        "modeled: local durations × max(1, 1769 / MB), Billed Duration = ceil(Init + Duration); not measured on Lambda".into(),
    );
    write_outputs(&results, &args.output)?;
    Ok(true)
}

#[cfg(feature = "cloud")]
pub async fn sweep(args: crate::cli::CloudArgs) -> lambda_bench::error::Ending {
    use lambda_bench::cloud::CloudError;
    use lambda_bench::error::Ending;
    match measure(&args).await {
        Err(Error::Cloud(e @ CloudError::Interrupted { .. })) => {
            eprintln!("{e}");
            Ending::Interrupted
        }
        result => Ending::from(result),
    }
}

#[cfg(feature = "cloud")]
async fn measure(args: &crate::cli::CloudArgs) -> Result<bool> {
    use lambda_bench::cloud::CloudBench;
    let sizes = options::sweep_sizes(&args.sweep.memory)?;
    // Flags checked before anything changes on the function; the prices are re-read below
    // once the function's architecture is known.
    options::judging(&args.sweep.judging, None)?;
    let events = options::load_events(&args.events.events)?;
    let bench = CloudBench::connect(options::cloud_options(args)?).await;
    let progress = crate::output::BarProgress::new(args.output.verbose);
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let swept = bench
        .sweep(
            &events,
            &sizes,
            &args.sweep.sweep_alias,
            &progress,
            interrupt,
        )
        .await?;
    let judging = options::judging(&args.sweep.judging, swept.architecture.as_deref())?;
    let results = SweepResults::new(
        format!(
            "Memory sweep of {} (was {} MB)",
            swept.function, swept.original_memory_mb
        ),
        swept.function,
        swept.original_memory_mb,
        swept.sizes,
        judging,
        swept.restored,
    );
    write_outputs(&results, &args.output)?;
    Ok(results.clean())
}

/// The table (to stderr when the JSON goes to stdout), then JSON, Markdown and the plot.
fn write_outputs(results: &SweepResults, out: &OutputArgs) -> Result<()> {
    let table = render::table(results);
    if out.json.as_deref() == Some(Path::new("-")) {
        std::io::stderr().write_all(table.as_bytes())?;
    } else {
        std::io::stdout().write_all(table.as_bytes())?;
    }
    if let Some(path) = &out.json {
        let mut json = serde_json::to_vec_pretty(results)?;
        json.push(b'\n');
        crate::write_bytes(path, &json)?;
    }
    if let Some(path) = &out.markdown {
        crate::write_bytes(path, render::markdown(results).as_bytes())?;
    }
    if let Some(path) = &out.plot {
        plot(path, results)?;
    }
    Ok(())
}

#[cfg(feature = "plot")]
fn plot(path: &Path, results: &SweepResults) -> Result<()> {
    lambda_bench::tuning::plot::write_svg(path, results)?;
    eprintln!("plot written to {}", path.display());
    Ok(())
}

#[cfg(not(feature = "plot"))]
fn plot(_: &Path, _: &SweepResults) -> Result<()> {
    Err(Error::usage(
        "this lambda-bench was built without the `plot` feature",
    ))
}
