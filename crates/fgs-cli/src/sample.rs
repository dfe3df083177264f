//! The embedded default of `fgs-local serve` without `--manifest`: a sample function
//! `hello` (the echo fixture: it answers with its event) and a TIMER trigger on it that is
//! DISABLED (enable it with `PUT /v2/{project}/fgs/triggers/hello/TIMER/{id}`
//! `{"trigger_status": "ACTIVE"}` to see an invocation every minute).

use crate::manifest::{Code, CodeSource, Format, Manifest, ManifestError};

/// The sample's wasm handler: `fixtures/wasm/echo.wasm`.
const ECHO_WASM: &[u8] = include_bytes!("../../../fixtures/wasm/echo.wasm");

/// The sample as manifest text (the same format a user writes).
const SAMPLE: &str = r#"
[[functions]]
name = "hello"
runtime = "Custom"
handler = "index.handler"
memory_size = 128
timeout = 3
description = "fgs-local sample: answers with its event"

[[functions.triggers]]
type = "TIMER"
status = "DISABLED"
event_data = { name = "every-minute", schedule_type = "Rate", schedule = "1m" }
"#;

/// The sample manifest, with the embedded echo handler as its code.
pub fn manifest() -> Result<Manifest, ManifestError> {
    let mut m = Manifest::from_str(
        SAMPLE,
        Format::Toml,
        "<embedded sample>",
        std::path::Path::new("."),
    )?;
    for f in &mut m.functions {
        f.code = Code::load(CodeSource::Embedded(ECHO_WASM)).map_err(ManifestError)?;
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_parses_and_carries_the_echo_module() {
        let m = super::manifest().unwrap();
        assert_eq!(m.functions.len(), 1);
        let f = &m.functions[0];
        assert_eq!(f.name, "hello");
        assert!(f.code.bytes.starts_with(b"\0asm"));
        assert_eq!(f.triggers[0].status, "DISABLED");
    }
}
