//! Command-line definition (clap derive). Parsing only: [`crate::options`] interprets the
//! values, `main.rs` acts on them.
//!
//! Flags follow what users bring from hyperfine: `-w/--warmup` untimed warm-up invocations,
//! `-r/--runs` timed ones, `--export-json`/`--export-markdown`; several bootstraps given to
//! `run` are compared. The names used before stay as aliases (`--warm`, `--json`,
//! `--markdown`, the `compare` command).

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
    /// Benchmark one or more bootstraps locally: cold runs, warm runs, a summary table each;
    /// with several, runs are interleaved and the bootstraps compared ("X times faster than").
    Run(RunArgs),
    /// `run` that insists on at least two bootstraps (`run A B` compares just the same).
    Compare(RunArgs),
    /// Moved to the lambda crate; says where.
    #[command(hide = true, disable_help_flag = true)]
    Gen {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Benchmark a deployed function through the AWS SDK (Invoke with LogType=Tail); with
    /// --memory, sweep memory sizes and recommend one (cost per million, speed, headroom).
    #[cfg(feature = "cloud")]
    Cloud(CloudArgs),
    /// Price a local run at Lambda memory sizes, modeled: durations × max(1, 1769 / MB), the
    /// CPU share Lambda gives below one vCPU. No AWS account needed; `cloud --memory` measures.
    Price(PriceArgs),
    /// Lambda Managed Instances against per-request Lambda, modeled from measured CPU-ms per
    /// event and peak RSS: $ per month at sustained request rates, and the break-even rate.
    LmiCost(LmiCostArgs),
    /// Throughput under concurrency, as Lambda Managed Instances drive a runtime: each
    /// bootstrap is started with AWS_LAMBDA_MAX_CONCURRENCY=N for each N, and N events are kept
    /// in flight; events/s, latency under load, CPU per event, peak RSS, polls kept open, and
    /// every answer checked.
    Load(LoadArgs),
    /// Count the AArch64 instructions arm64 bootstraps execute, exactly, under qemu-user with a
    /// Graviton2 CPU model and a TCG plugin: init, per event, per byte, SHA-256 and NEON share;
    /// optionally gated against a committed baseline.
    Count(CountArgs),
}

/// `count`: instruction counts, and the regression gate on them.
#[derive(Args, Debug)]
pub struct CountArgs {
    /// arm64 bootstrap executables; label one with `label=path`.
    #[arg(value_name = "BOOTSTRAP", required_unless_present = "results")]
    pub bootstraps: Vec<String>,
    /// Event file (JSON); repeatable; a directory means its *.json files.
    #[arg(
        short,
        long = "event",
        value_name = "FILE",
        required_unless_present = "results"
    )]
    pub events: Vec<PathBuf>,
    /// The two invocation counts per event whose difference gives the per-event figures.
    #[arg(long, default_value = "1,3", value_name = "N1,N2")]
    pub invocations: String,
    /// Runs per figure for single-threaded bootstraps (their counts repeat exactly).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub repeat: usize,
    /// Runs per figure for multi-threaded bootstraps, whose counts vary: the median is kept.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub threaded_repeat: usize,
    /// qemu CPU model (neoverse-n1 is Graviton2's core).
    #[arg(long, default_value = "neoverse-n1")]
    pub cpu: String,
    /// The dynamic qemu-aarch64 (Debian's qemu-user; qemu-aarch64-static cannot load plugins).
    #[arg(long, default_value = "qemu-aarch64", value_name = "PATH")]
    pub qemu: String,
    /// The insn_count plugin [default: $CARGO_TARGET_DIR/qemu-plugin/libinsncount.so, else
    /// target/qemu-plugin/libinsncount.so; scripts/build-qemu-plugin.sh builds it].
    #[arg(long, value_name = "FILE.so")]
    pub plugin: Option<PathBuf>,
    /// Also count these instructions, matched by disassembly (repeatable).
    #[arg(long = "mnemonic", value_name = "NAME")]
    pub mnemonics: Vec<String>,
    /// Seconds allowed per invocation, and for the exit after the last.
    #[arg(long, default_value_t = 120.0, value_name = "SECS")]
    pub timeout: f64,
    /// Seconds allowed from spawn to the first `next` request.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub init_timeout: f64,
    /// Gate: fail (exit 1) when init or per-event instructions rose beyond the tolerance over
    /// this committed baseline; prints the before/after table.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Allowed rise in percent [default: the baseline's own].
    #[arg(long, value_name = "PERCENT")]
    pub tolerance: Option<f64>,
    /// Write (or overwrite) this baseline from the counts measured now.
    #[arg(long, value_name = "FILE")]
    pub update_baseline: Option<PathBuf>,
    /// Gate an earlier `count --json` document instead of counting again.
    #[arg(long, value_name = "FILE.json", conflicts_with_all = ["bootstraps", "events"])]
    pub results: Option<PathBuf>,
    /// Write the counts as JSON to this file (`-` for stdout, which then gets only JSON).
    #[arg(long, visible_alias = "export-json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the counts table as Markdown to this file.
    #[arg(long, visible_alias = "export-markdown", value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

/// What to run and how often (`run`, and `compare` which is `run` with two or more).
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Bootstrap executables; label one with `label=path`. An arm64 ELF on an x86_64 host runs
    /// under qemu-aarch64-static automatically.
    #[arg(required = true, value_name = "BOOTSTRAP")]
    pub bootstraps: Vec<String>,
    #[command(flatten)]
    pub events: EventArgs,
    /// Cold runs per bootstrap (fresh process, one invocation each).
    #[arg(short, long, default_value_t = 10, value_name = "N")]
    pub cold: usize,
    /// Timed warm invocations per bootstrap (one process, cycling through the events).
    #[arg(
        short = 'r',
        long = "runs",
        visible_alias = "warm",
        default_value_t = 100,
        value_name = "N"
    )]
    pub runs: usize,
    /// Warm-up invocations on the warm process before the timed ones (not measured).
    #[arg(short = 'w', long, default_value_t = 1, value_name = "N")]
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

/// `load`: throughput at several `AWS_LAMBDA_MAX_CONCURRENCY` values.
#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Bootstrap executables; label one with `label=path`. Measured back to back (interleaved)
    /// for each event and N.
    #[arg(required = true, value_name = "BOOTSTRAP")]
    pub bootstraps: Vec<String>,
    #[command(flatten)]
    pub events: EventArgs,
    /// The AWS_LAMBDA_MAX_CONCURRENCY values to measure (each a fresh process).
    #[arg(
        short = 'n',
        long,
        value_delimiter = ',',
        default_value = "1,2,4,8",
        value_name = "N,N,..."
    )]
    pub max_concurrency: Vec<u32>,
    /// Events answered in each measured window.
    #[arg(short = 'r', long, default_value_t = 2000, value_name = "M")]
    pub runs: usize,
    /// Invocations before each window, not measured (the first alone: its answer is the one
    /// every later answer must equal).
    #[arg(short = 'w', long, default_value_t = 200, value_name = "W")]
    pub warmup: usize,
    /// Stop releasing events after this many seconds, in each window and in each warm-up (the
    /// events in flight are still awaited): large events get fewer than --runs in one run.
    #[arg(long, value_name = "SECS")]
    pub max_seconds: Option<f64>,
    /// Events kept in flight per poll: N × K outstanding at all times (K > 1 queues events
    /// behind busy workers, as a loaded Managed Instance would).
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub in_flight_per_poll: usize,
    /// An event (file name or stem) whose answers must be function errors; repeatable.
    #[arg(long = "expect-failure", value_name = "EVENT")]
    pub expect_failure: Vec<String>,
    /// A JSON key whose value may differ from the first answer's (a timestamp), at any depth;
    /// repeatable. Giving any replaces the default; `--volatile-field ''` compares everything.
    #[arg(
        long = "volatile-field",
        default_value = "processedAt",
        value_name = "KEY"
    )]
    pub volatile_fields: Vec<String>,
    /// Seconds allowed per invocation (a timeout ends the window).
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub timeout: f64,
    /// Seconds allowed from spawn to the first `next` request.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub init_timeout: f64,
    /// Seconds allowed, after the first, for all N polls to be open.
    #[arg(long, default_value_t = 3.0, value_name = "SECS")]
    pub poll_timeout: f64,
    /// AWS_LAMBDA_FUNCTION_MEMORY_SIZE told to the function (not enforced locally).
    #[arg(short, long, default_value_t = 128, value_name = "MB")]
    pub memory: u32,
    /// `auto` (qemu for a foreign-architecture ELF), `none`, or a command line to prefix.
    #[arg(long, default_value = "auto")]
    pub wrapper: String,
    /// Extra environment variable for the function (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Copy the function's stdout/stderr to our stderr as it runs.
    #[arg(long)]
    pub show_logs: bool,
    /// Write the results as JSON to this file (`-` for stdout, which then gets only JSON).
    #[arg(long, visible_alias = "export-json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the table as Markdown to this file.
    #[arg(long, visible_alias = "export-markdown", value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write an SVG plot of events/s against N (a line per bootstrap and event) to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
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
    #[arg(long, visible_alias = "export-json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the summary tables as Markdown to this file.
    #[arg(long, visible_alias = "export-markdown", value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write an SVG plot of the duration distributions (cold vs warm) to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

#[cfg(feature = "cloud")]
#[derive(Args, Debug)]
pub struct CloudArgs {
    /// Function name or ARN.
    #[arg(short, long)]
    pub function: String,
    /// Version or alias to invoke. Forced cold starts change $LATEST's configuration, which
    /// reaches a published version only after a new publish: use it with $LATEST.
    #[arg(long, conflicts_with = "memory")]
    pub qualifier: Option<String>,
    #[command(flatten)]
    pub events: EventArgs,
    /// Forced cold starts (each updates an environment variable and waits for the update).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    pub cold: usize,
    /// Warm-up invocations before the timed warm ones (not measured).
    #[arg(short = 'w', long, default_value_t = 0, value_name = "N")]
    pub warmup: usize,
    /// Timed warm invocations.
    #[arg(
        short = 'r',
        long = "runs",
        visible_alias = "warm",
        default_value_t = 20,
        value_name = "N"
    )]
    pub runs: usize,
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
    /// How long to look for the report (text REPORT line or JSON platform.report record) in
    /// CloudWatch Logs when the tail log has none.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub logs_timeout: f64,
    /// How long to wait for a configuration update (forced cold start) to finish.
    #[arg(long, default_value_t = 60.0, value_name = "SECS")]
    pub update_timeout: f64,
    #[command(flatten)]
    pub sweep: SweepArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `cloud --memory`: the same runs at several memory sizes, priced, with a recommendation.
#[cfg(feature = "cloud")]
#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Sweep these memory sizes (MB, comma-separated, 128 to 10240): each runs on a version
    /// published at that size behind a temporary alias; the function is restored at the end.
    #[arg(long, value_delimiter = ',', value_name = "MB,MB,...")]
    pub memory: Vec<u64>,
    /// Name of the temporary alias (must not exist; deleted at the end).
    #[arg(long, default_value = "lambda-bench-sweep", requires = "memory")]
    pub sweep_alias: String,
    #[command(flatten)]
    pub judging: JudgingArgs,
}

/// How sizes are priced and judged (`cloud --memory`, `price`).
#[derive(Args, Debug)]
pub struct JudgingArgs {
    /// Share of invocations that are cold starts, in percent, for the cost per million.
    #[arg(
        long,
        default_value_t = 1.0,
        value_name = "PERCENT",
        requires = "memory"
    )]
    pub cold_share: f64,
    /// Price architecture: arm64 or x86_64 (default: the function's; arm64 for `price`).
    #[arg(long, value_name = "ARCH", requires = "memory")]
    pub architecture: Option<String>,
    /// $ per GB-second of Billed Duration (default: us-east-1's first tier for the architecture).
    #[arg(long, value_name = "USD", requires = "memory")]
    pub price_gb_second: Option<f64>,
    /// $ per million requests (default: 0.20).
    #[arg(long, value_name = "USD", requires = "memory")]
    pub price_per_million_requests: Option<f64>,
    /// Free memory, in percent of the size, that Max Memory Used must leave; tighter sizes are
    /// flagged and not recommended.
    #[arg(
        long,
        default_value_t = 20.0,
        value_name = "PERCENT",
        requires = "memory"
    )]
    pub headroom: f64,
    /// Weight of cost (against warm p50) in the balanced pick, 0 to 1.
    #[arg(long, default_value_t = 0.5, value_name = "W", requires = "memory")]
    pub balance_weight: f64,
}

/// `price`: a local run's figures priced at Lambda memory sizes under the CPU-share model.
#[derive(Args, Debug)]
pub struct PriceArgs {
    /// A `run`/`compare` JSON export (`--json FILE`).
    #[arg(value_name = "RUN.json")]
    pub run: PathBuf,
    /// The target of the run to price (needed when the run has several).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Memory sizes to price (MB, comma-separated, 128 to 10240).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "128,256,512,1024,1769",
        value_name = "MB,MB,..."
    )]
    pub memory: Vec<u64>,
    #[command(flatten)]
    pub judging: JudgingArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `lmi-cost`: LMI (EC2 instances + 15 % fee + requests) against per-request Lambda
/// (GB-seconds + requests) at sustained rates, for each measured contender.
#[derive(Args, Debug)]
pub struct LmiCostArgs {
    /// A `load --export-json` document: CPU-ms per event and peak RSS per bootstrap, event and
    /// concurrency N.
    #[arg(long, value_name = "LOAD.json", required_unless_present_any = ["run", "contenders"])]
    pub load: Option<PathBuf>,
    /// A `run --export-json` document: prices per-request Lambda (Init included) for its
    /// targets; alone, its warm Duration stands for CPU-ms per event (N = 1).
    #[arg(long, value_name = "RUN.json")]
    pub run: Option<PathBuf>,
    /// A contender given by hand (repeatable):
    /// LABEL:cpu-ms=X,rss-mb=Y[,n=N][,duration-ms=D][,init-ms=I].
    #[arg(long = "contender", value_name = "SPEC")]
    pub contenders: Vec<String>,
    /// The load document's event to price (needed when it has several).
    #[arg(long, value_name = "NAME", requires = "load")]
    pub event: Option<String>,
    /// The load document's concurrency N [default: the highest N measured for every bootstrap].
    #[arg(long, value_name = "N", requires = "load")]
    pub concurrency: Option<u32>,
    /// EC2 instance type of the capacity provider.
    #[arg(long, default_value = "c7g.xlarge", value_name = "TYPE")]
    pub instance_type: String,
    /// On-demand $ per hour of the instance type (required where no default is known).
    #[arg(long, value_name = "USD")]
    pub instance_price: Option<f64>,
    /// vCPUs of an instance type not known here.
    #[arg(long, value_name = "N")]
    pub instance_vcpus: Option<u32>,
    /// Memory (GiB) of an instance type not known here.
    #[arg(long, value_name = "GIB")]
    pub instance_memory: Option<u32>,
    /// AWS region of the prices (defaults exist for us-east-1 only).
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Savings Plan discount on the instances, percent (the 15 % fee stays on on-demand).
    #[arg(long, default_value_t = 0.0, value_name = "PERCENT")]
    pub savings_plan: f64,
    /// CPU utilisation LMI keeps the busy vCPUs at, percent.
    #[arg(long, default_value_t = 50.0, value_name = "PERCENT")]
    pub target_utilization: f64,
    /// Multiplier on the instances the load needs (AWS's LMI calculator: 1.5 for 3 AZs).
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub buffer: f64,
    /// The fewest instances (a published version starts on 3, one per Availability Zone).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub min_instances: u32,
    /// GiB of environment memory per vCPU: 2, 4 or 8.
    #[arg(long, default_value_t = 2, value_name = "GIB")]
    pub memory_per_vcpu: u32,
    /// Execution environment memory, MB [default: max(2048, peak RSS / 0.8), whole vCPUs].
    #[arg(long, value_name = "MB")]
    pub env_memory: Option<u64>,
    /// Per-request Lambda memory size, MB (the CDK stages' default is 256).
    #[arg(long, default_value_t = 256, value_name = "MB")]
    pub memory: u64,
    /// Share of per-request invocations that are cold starts, percent.
    #[arg(long, default_value_t = 1.0, value_name = "PERCENT")]
    pub cold_share: f64,
    /// Per-request Lambda $ per GB-second (default: us-east-1 arm64 first tier).
    #[arg(long, value_name = "USD")]
    pub price_gb_second: Option<f64>,
    /// $ per million requests, both models (default: 0.20).
    #[arg(long, value_name = "USD")]
    pub price_per_million_requests: Option<f64>,
    /// Sustained rates (requests per second) for the table.
    #[arg(
        long = "rate",
        value_delimiter = ',',
        default_value = "1,10,100,1000,10000",
        value_name = "R,R,..."
    )]
    pub rates: Vec<f64>,
    /// Write the comparison as JSON to this file (`-` for stdout, which then gets only JSON).
    #[arg(long, visible_alias = "export-json", value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the comparison as Markdown to this file.
    #[arg(long, visible_alias = "export-markdown", value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write an SVG plot of $ per month against the rate (log axes) to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn lmi_cost_needs_an_input_and_event_needs_load() {
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "lmi-cost",
            "--load",
            "l.json",
            "--rate",
            "5,50",
        ])
        .unwrap();
        let Command::LmiCost(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.rates, [5.0, 50.0]);
        assert_eq!(
            (
                args.instance_type.as_str(),
                args.memory,
                args.target_utilization,
                args.buffer
            ),
            ("c7g.xlarge", 256, 50.0, 1.0)
        );
        assert!(Cli::try_parse_from(["lambda-bench", "lmi-cost"]).is_err());
        assert!(Cli::try_parse_from([
            "lambda-bench",
            "lmi-cost",
            "--contender",
            "a:cpu-ms=1,rss-mb=1"
        ])
        .is_ok());
        assert!(Cli::try_parse_from([
            "lambda-bench",
            "lmi-cost",
            "--run",
            "r.json",
            "--event",
            "e"
        ])
        .is_err());
    }

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
            "-r",
            "5",
            "--env",
            "A=1",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.bootstraps, ["ours=target/bootstrap"]);
        assert_eq!((args.cold, args.runs, args.memory), (3, 5, 128));
        assert_eq!(args.env, ["A=1"]);
    }

    fn run_args(argv: &[&str]) -> RunArgs {
        let base = ["lambda-bench", "run", "-e", "e.json", "b"];
        let cli = Cli::try_parse_from(base.iter().chain(argv)).unwrap();
        let Command::Run(args) = cli.command else {
            panic!()
        };
        args
    }

    #[test]
    fn hyperfine_flags_and_the_old_names() {
        let args = run_args(&["-w", "3", "-r", "7"]);
        assert_eq!(
            (args.warmup, args.runs),
            (3, 7),
            "-w is warm-up, as in hyperfine"
        );
        let args = run_args(&["--warmup", "2", "--runs", "9"]);
        assert_eq!((args.warmup, args.runs), (2, 9));
        let args = run_args(&["--warm", "11"]);
        assert_eq!((args.warmup, args.runs), (1, 11), "--warm is --runs");
        let args = run_args(&["--export-json", "a.json", "--export-markdown", "a.md"]);
        assert_eq!(
            args.output.json.as_deref(),
            Some(std::path::Path::new("a.json"))
        );
        assert_eq!(
            args.output.markdown.as_deref(),
            Some(std::path::Path::new("a.md"))
        );
        let args = run_args(&["--json", "-", "--markdown", "b.md"]);
        assert_eq!(args.output.json.as_deref(), Some(std::path::Path::new("-")));
        assert_eq!(
            args.output.markdown.as_deref(),
            Some(std::path::Path::new("b.md"))
        );
    }

    #[test]
    fn run_takes_several_bootstraps_and_compare_is_the_same_arguments() {
        let cli = Cli::try_parse_from(["lambda-bench", "run", "-e", "e", "a=x", "b=y"]).unwrap();
        let Command::Run(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.bootstraps, ["a=x", "b=y"]);
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "compare",
            "-e",
            "e",
            "a=x",
            "b=y",
            "-w",
            "0",
        ])
        .unwrap();
        let Command::Compare(args) = cli.command else {
            panic!()
        };
        assert_eq!((args.bootstraps.len(), args.warmup), (2, 0));
        let cli = Cli::try_parse_from(["lambda-bench", "gen", "-n", "5"]).unwrap();
        assert!(
            matches!(cli.command, Command::Gen { .. }),
            "kept to say where it went"
        );
    }

    #[test]
    fn load_takes_a_list_of_concurrencies_and_hyperfine_flags() {
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "load",
            "ours=a",
            "go=b",
            "-e",
            "e.json",
            "--max-concurrency",
            "1,2,4,8",
            "-r",
            "500",
            "-w",
            "50",
            "--export-json",
            "l.json",
            "--expect-failure",
            "malformed",
        ])
        .unwrap();
        let Command::Load(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.bootstraps, ["ours=a", "go=b"]);
        assert_eq!(args.max_concurrency, [1, 2, 4, 8]);
        assert_eq!(
            (args.runs, args.warmup, args.in_flight_per_poll),
            (500, 50, 1)
        );
        assert_eq!(args.expect_failure, ["malformed"]);
        assert_eq!(args.json.as_deref(), Some(std::path::Path::new("l.json")));
        let cli = Cli::try_parse_from(["lambda-bench", "load", "a", "-e", "e", "-n", "3"]).unwrap();
        let Command::Load(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.max_concurrency, [3]);
        assert!(Cli::try_parse_from(["lambda-bench", "load", "a", "-e", "e", "-n", "x"]).is_err());
    }

    #[test]
    fn count_needs_bootstraps_and_events_unless_it_gates_earlier_results() {
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "count",
            "ours=b",
            "-e",
            "e.json",
            "--baseline",
            "base.json",
            "--mnemonic",
            "ldr",
        ])
        .unwrap();
        let Command::Count(args) = cli.command else {
            panic!()
        };
        assert_eq!(
            (args.invocations.as_str(), args.cpu.as_str()),
            ("1,3", "neoverse-n1")
        );
        assert_eq!(args.mnemonics, ["ldr"]);
        assert!(Cli::try_parse_from(["lambda-bench", "count", "ours=b"]).is_err());
        let cli = Cli::try_parse_from([
            "lambda-bench",
            "count",
            "--results",
            "r.json",
            "--baseline",
            "b",
        ])
        .unwrap();
        assert!(matches!(cli.command, Command::Count(_)));
        assert!(Cli::try_parse_from(["lambda-bench", "count", "--results", "r", "x"]).is_err());
        let cli = Cli::try_parse_from(["lambda-bench", "gen"]).unwrap();
        assert!(
            matches!(cli.command, Command::Gen { .. }),
            "kept to say where it went"
        );
    }
}
