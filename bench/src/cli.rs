//! Command-line definition (clap derive). Parsing only; `main.rs` acts on it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "lambda-bench", version, about = "Run a Lambda custom-runtime bootstrap locally (or a deployed function) and report what Lambda's REPORT line reports", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Benchmark one or several bootstraps locally: cold runs, warm runs, summary table.
    Run(RunArgs),
    /// Benchmark several bootstraps in interleaved rounds and print how they compare.
    Compare(RunArgs),
    /// Write a deterministic N-transaction payload (JSON) to stdout or a file.
    Gen(GenArgs),
    /// Benchmark a deployed function through the AWS SDK (Invoke with LogType=Tail).
    #[cfg(feature = "cloud")]
    Cloud(CloudArgs),
}

/// What to run and how often (shared by `run` and `compare`).
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Bootstrap executables; label one with `label=path`. An arm64 ELF on an x86_64 host runs
    /// under qemu-aarch64-static automatically.
    #[arg(required = true, value_name = "BOOTSTRAP")]
    pub bootstraps: Vec<String>,
    #[command(flatten)]
    pub events: EventArgs,
    /// Cold runs per bootstrap (fresh process, one invocation each).
    #[arg(short, long, default_value_t = 10)]
    pub cold: usize,
    /// Warm invocations per bootstrap (one process, cycling through the events).
    #[arg(short, long, default_value_t = 100)]
    pub warm: usize,
    /// Untimed invocations on the warm process before the timed ones.
    #[arg(long, default_value_t = 1)]
    pub warmup: usize,
    /// AWS_LAMBDA_FUNCTION_MEMORY_SIZE told to the function (not enforced locally).
    #[arg(short, long, default_value_t = 128, value_name = "MB")]
    pub memory: u32,
    /// Invocation timeout in seconds (the process is killed and restarted after one).
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub timeout: f64,
    /// Time allowed from spawn to the first `next` request, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub init_timeout: f64,
    /// `auto` (qemu for a foreign-architecture ELF), `none`, or a command line to prefix.
    #[arg(long, default_value = "auto")]
    pub wrapper: String,
    /// Extra environment variable for the function (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Copy the function's stdout/stderr to our stderr as it runs.
    #[arg(long)]
    pub show_logs: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct EventArgs {
    /// Event file (JSON) to invoke with; repeatable; a directory means its *.json files.
    #[arg(short, long = "event", required = true, value_name = "FILE")]
    pub events: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Print a REPORT line per invocation.
    #[arg(short, long)]
    pub verbose: bool,
    /// Do not print the function's answer to each event.
    #[arg(short, long)]
    pub quiet: bool,
    /// Write all results as JSON to this file (`-` for stdout, which then gets only JSON).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the summary tables as Markdown to this file.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write an SVG plot of the duration distributions (cold vs warm) to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Number of transactions.
    #[arg(short = 'n', long, default_value_t = 1000)]
    pub transactions: usize,
    /// Seed: the same seed gives the same bytes.
    #[arg(short, long, default_value_t = 1)]
    pub seed: u64,
    /// Share of CREDIT transactions (0..1).
    #[arg(long, default_value_t = 0.5)]
    pub credit_ratio: f64,
    /// Largest amount (two decimals at most).
    #[arg(long, default_value_t = 10000.0)]
    pub max_amount: f64,
    /// Output file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print the expected creditCount and totalCredit to stderr.
    #[arg(long)]
    pub expect: bool,
}

#[cfg(feature = "cloud")]
#[derive(Args, Debug)]
pub struct CloudArgs {
    /// Function name or ARN.
    #[arg(short, long)]
    pub function: String,
    /// Version or alias to invoke. Forced cold starts change $LATEST's configuration, which
    /// reaches a published version only after a new publish: use it with $LATEST.
    #[arg(long)]
    pub qualifier: Option<String>,
    #[command(flatten)]
    pub events: EventArgs,
    /// Forced cold starts (each updates an environment variable and waits for the update).
    #[arg(short, long, default_value_t = 0)]
    pub cold: usize,
    /// Warm invocations.
    #[arg(short, long, default_value_t = 20)]
    pub warm: usize,
    /// Warm invocations in flight at once.
    #[arg(long, default_value_t = 1)]
    pub concurrency: usize,
    /// AWS region (default: from the usual AWS configuration).
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile (default: from the usual AWS configuration).
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint override (an emulator such as MiniStack or LocalStack); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Attempts per AWS call, throttling included (exponential backoff between them).
    #[arg(long, default_value_t = 5)]
    pub max_attempts: u32,
    /// First retry backoff in milliseconds.
    #[arg(long, default_value_t = 200, value_name = "MS")]
    pub initial_backoff_ms: u64,
    /// How long to look for a REPORT line in CloudWatch Logs when the tail log has none.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub logs_timeout: f64,
    /// How long to wait for a configuration update (forced cold start) to finish.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub update_timeout: f64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_run() {
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "run",
            "-e",
            "events/seed-3tx.json",
            "ours=target/bootstrap",
            "-c",
            "3",
            "-w",
            "5",
            "--env",
            "A=1",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.bootstraps, ["ours=target/bootstrap"]);
        assert_eq!((args.cold, args.warm, args.memory), (3, 5, 128));
        assert_eq!(args.env, ["A=1"]);
    }
}
