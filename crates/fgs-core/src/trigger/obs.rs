//! OBS `event_data` (seed §1.6.2 Table 1-13) and the bucket-notification overlap rule behind
//! FSS.1108.

use serde::Serialize;

use super::fields::Fields;
use crate::error::Result;

/// The OBS event names a trigger may listen to (seed Table 1-13; the seed's
/// `s3:ObjectRemoved>...` spelling is a rendering slip for `:`, digest A18).
pub const OBS_EVENTS: [&str; 8] = [
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRemoved:Delete",
];

/// An OBS trigger's `event_data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObsEventData {
    /// Bucket name: 3..63 characters, lower-case letters, digits, `-` and `.`, starting and
    /// ending with a letter or digit (OBS naming rules).
    pub bucket: String,
    /// Events, each one of [`OBS_EVENTS`] (at least one, no repeats).
    pub events: Vec<String>,
    /// Trigger name (optional; the §5.12.3 example sends one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Object-name prefix filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Object-name suffix filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

impl ObsEventData {
    /// Validates OBS `event_data` (FSS.1106).
    pub(crate) fn parse(f: &Fields<'_>) -> Result<Self> {
        let bucket = f.req_str("bucket")?;
        if !valid_bucket(&bucket) {
            return Err(f.err(format!(
                "bucket '{bucket}' must have 3..63 lower-case letters, digits, '-' or '.', \
                 starting and ending with a letter or digit"
            )));
        }
        let events = f.req_str_list("events")?;
        for (i, e) in events.iter().enumerate() {
            if !OBS_EVENTS.contains(&e.as_str()) {
                return Err(f.err(format!(
                    "events[{i}] '{e}' is not one of {}",
                    OBS_EVENTS.join(", ")
                )));
            }
            if events[..i].contains(e) {
                return Err(f.err(format!("events[{i}] '{e}' is repeated")));
            }
        }
        let prefix = f.opt_str("prefix")?;
        let suffix = f.opt_str("suffix")?;
        let name = super::read_name(f, false)?;
        if let Some(name) = &name {
            super::fields::check_trigger_name(name, "OBS")?;
        }
        Ok(ObsEventData {
            bucket,
            events,
            name,
            prefix,
            suffix,
        })
    }

    /// Whether `self` is exactly `other`'s bucket configuration (bucket, event set, prefix,
    /// suffix), the name aside.
    pub(crate) fn same_config(&self, other: &ObsEventData) -> bool {
        let mut a = self.events.clone();
        let mut b = other.events.clone();
        a.sort();
        b.sort();
        self.bucket == other.bucket
            && a == b
            && self.prefix.as_deref().unwrap_or("") == other.prefix.as_deref().unwrap_or("")
            && self.suffix.as_deref().unwrap_or("") == other.suffix.as_deref().unwrap_or("")
    }

    /// Whether one object event could be delivered by both configurations: the same bucket,
    /// overlapping events (a `:*` wildcard covers its prefix) and overlapping prefix and
    /// suffix filters (one a prefix, resp. suffix, of the other). This is OBS's rule for
    /// conflicting notification configurations (FSS.1108).
    pub(crate) fn overlaps(&self, other: &ObsEventData) -> bool {
        let events = self
            .events
            .iter()
            .any(|a| other.events.iter().any(|b| events_overlap(a, b)));
        let p1 = self.prefix.as_deref().unwrap_or("");
        let p2 = other.prefix.as_deref().unwrap_or("");
        let s1 = self.suffix.as_deref().unwrap_or("");
        let s2 = other.suffix.as_deref().unwrap_or("");
        self.bucket == other.bucket
            && events
            && (p1.starts_with(p2) || p2.starts_with(p1))
            && (s1.ends_with(s2) || s2.ends_with(s1))
    }
}

fn events_overlap(a: &str, b: &str) -> bool {
    let covers = |wild: &str, e: &str| {
        wild.strip_suffix('*')
            .is_some_and(|stem| e.starts_with(stem))
    };
    a == b || covers(a, b) || covers(b, a)
}

fn valid_bucket(b: &str) -> bool {
    let bytes = b.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'.'))
        && bytes.first().is_some_and(|c| c.is_ascii_alphanumeric())
        && bytes.last().is_some_and(|c| c.is_ascii_alphanumeric())
        && !b.contains("..")
}
