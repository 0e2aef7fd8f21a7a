//! Terminal output for the CLI: the progress bar (with REPORT lines above it) and messages.

mod progress;

pub use progress::BarProgress;
