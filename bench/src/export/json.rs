use super::Exporter;
use crate::benchmark::RunResults;

/// The whole [`RunResults`] document, pretty-printed.
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn serialize(&self, results: &RunResults) -> std::io::Result<Vec<u8>> {
        let mut out = serde_json::to_vec_pretty(results).map_err(std::io::Error::other)?;
        out.push(b'\n');
        Ok(out)
    }
}
