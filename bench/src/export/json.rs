use super::Exporter;
use crate::benchmark::RunResults;
use crate::error::Result;

/// The whole [`RunResults`] document, pretty-printed.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn serialize(&self, results: &RunResults) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec_pretty(results)?;
        out.push(b'\n');
        Ok(out)
    }
}
