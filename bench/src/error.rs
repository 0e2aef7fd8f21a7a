//! The one error type of the command line, and the one place outcomes become exit statuses.
//!
//! Failures inside a measurement are data, not errors: a crash or a timeout is a [`Sample`]
//! status, a malformed report a [`crate::report::ParseError`] kept on its sample. What is here
//! stops a command: bad arguments, a file that cannot be read or written, a bootstrap that
//! cannot be started at all, an AWS call that failed after its retries. The library's
//! fallible entry points ([`crate::LocalFunction::start`], [`crate::FunctionProcess::spawn`],
//! [`crate::benchmark::run_local`], the exporters, the plot) return it; the Runtime API server
//! alone ([`crate::RuntimeApi`]) keeps `std::io::Result` (binding a socket), converted by `?`.
//! Cloud mode's [`crate::cloud::CloudError`] stays a type of its own (tests match on its
//! variants) and is wrapped here.
//!
//! [`Sample`]: crate::benchmark::Sample

use std::path::{Path, PathBuf};

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Arguments that cannot be acted on.
    #[error("{0}")]
    Usage(String),
    /// A file that could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A bootstrap that cannot be run: not a file, an ELF this host cannot run even under an
    /// emulator, or no emulator installed.
    #[error("{0}")]
    Bootstrap(String),
    /// The operating system refused to start the bootstrap (or its emulator).
    #[error("cannot start {command}: {source}")]
    Start {
        command: String,
        source: std::io::Error,
    },
    /// Anything else from the operating system: a socket that cannot be bound, stdout closed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Results that could not be serialized.
    #[error("JSON export: {0}")]
    Json(#[from] serde_json::Error),
    /// The plot could not be drawn.
    #[error("plot {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
    /// An AWS call failed (after the SDK's retries).
    #[cfg(feature = "cloud")]
    #[error(transparent)]
    Cloud(#[from] crate::cloud::CloudError),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn file(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::File {
            path: path.to_owned(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a command ended.
#[derive(Debug)]
pub enum Ending {
    /// Every invocation answered (a function error is an answer).
    Clean,
    /// Something crashed, timed out, failed its init, or a target's runs stopped early.
    SomeFailed,
    /// Ctrl-C.
    Interrupted,
    /// The command could not do its job.
    Failed(Error),
}

impl Ending {
    /// The exit status: 0 clean, 1 failures in the results, 2 error, 130 interrupted.
    pub fn exit_code(&self) -> u8 {
        match self {
            Ending::Clean => 0,
            Ending::SomeFailed => 1,
            Ending::Failed(_) => 2,
            Ending::Interrupted => 130,
        }
    }
}

impl From<Result<bool>> for Ending {
    /// `Ok(clean)` from a command that ran.
    fn from(result: Result<bool>) -> Ending {
        match result {
            Ok(true) => Ending::Clean,
            Ok(false) => Ending::SomeFailed,
            Err(e) => Ending::Failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_in_one_place() {
        assert_eq!(Ending::from(Ok(true)).exit_code(), 0);
        assert_eq!(Ending::from(Ok(false)).exit_code(), 1);
        assert_eq!(Ending::from(Err(Error::usage("x"))).exit_code(), 2);
        assert_eq!(Ending::Interrupted.exit_code(), 130);
    }

    #[test]
    fn file_errors_name_the_path() {
        let e =
            Error::file(Path::new("/x/y.json"))(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(e.to_string().starts_with("/x/y.json: "), "{e}");
    }
}
