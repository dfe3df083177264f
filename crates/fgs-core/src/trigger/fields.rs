//! Reading a trigger's `event_data` object field by field, every failure reported with the
//! trigger type's own error code (seed §7.2: FSS.1102 SMN, FSS.1103 DMS, ...) and a message
//! naming the field. Nothing here panics, whatever JSON comes in.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};

/// The longest string any `event_data` field may hold (an emulator guard, not a seed figure).
pub(crate) const MAX_FIELD_LEN: usize = 1024;

/// An `event_data` object and the error kind its type reports.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    kind: ErrorKind,
    ty: &'static str,
    path: &'static str,
}

impl<'a> Fields<'a> {
    /// The `event_data` object; absent, `null` or not an object is an error of `kind`.
    pub(crate) fn of(value: Option<&'a Value>, kind: ErrorKind, ty: &'static str) -> Result<Self> {
        match value {
            Some(Value::Object(map)) => Ok(Fields {
                map,
                kind,
                ty,
                path: "event_data",
            }),
            None | Some(Value::Null) => {
                Err(kind.with(format!("event_data is required for a {ty} trigger")))
            }
            Some(other) => Err(kind.with(format!(
                "event_data of a {ty} trigger must be a JSON object, got {}",
                json_type(other)
            ))),
        }
    }

    /// An error of this type's kind.
    pub(crate) fn err(&self, message: impl AsRef<str>) -> Error {
        self.kind
            .with(format!("{} trigger: {}", self.ty, message.as_ref()))
    }

    /// The object under `key` (`func_info`), read with the same error kind; absent or
    /// `null` is `None`, another JSON type an error.
    pub(crate) fn opt_object(&self, key: &'static str) -> Result<Option<Fields<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                map,
                kind: self.kind,
                ty: self.ty,
                path: key,
            })),
            Some(other) => Err(self.err(format!(
                "{}.{key} must be a JSON object, got {}",
                self.path,
                json_type(other)
            ))),
        }
    }

    /// The raw value of `key`, `None` when absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// An optional string: absent or `null` is `None`; another JSON type or an over-long
    /// string is an error. An empty string is kept (the caller decides).
    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<String>> {
        let p = self.path;
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.chars().count() > MAX_FIELD_LEN => Err(self.err(format!(
                "{p}.{key} is longer than {MAX_FIELD_LEN} characters"
            ))),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.err(format!(
                "{p}.{key} must be a string, got {}",
                json_type(other)
            ))),
        }
    }

    /// A required, non-blank string.
    pub(crate) fn req_str(&self, key: &str) -> Result<String> {
        let p = self.path;
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(self.err(format!("{p}.{key} must not be blank"))),
            None => Err(self.err(format!("{p}.{key} is required"))),
        }
    }

    /// A required string that must be one of `allowed` (exact spelling).
    pub(crate) fn req_enum(&self, key: &str, allowed: &[&str]) -> Result<String> {
        let s = self.req_str(key)?;
        self.check_enum(key, s, allowed)
    }

    /// An optional string that, when given, must be one of `allowed`.
    pub(crate) fn opt_enum(&self, key: &str, allowed: &[&str]) -> Result<Option<String>> {
        self.opt_str(key)?
            .map(|s| self.check_enum(key, s, allowed))
            .transpose()
    }

    fn check_enum(&self, key: &str, s: String, allowed: &[&str]) -> Result<String> {
        let p = self.path;
        if allowed.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(self.err(format!(
                "{p}.{key} '{s}' is not one of {}",
                allowed.join(", ")
            )))
        }
    }

    /// An optional integer in `range`: a JSON integer (a float with a fraction, a string or
    /// anything else is an error).
    pub(crate) fn opt_int(&self, key: &str, range: RangeInclusive<i64>) -> Result<Option<i64>> {
        let p = self.path;
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let n = match v {
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            _ => None,
        };
        match n {
            Some(n) if range.contains(&n) => Ok(Some(n)),
            Some(n) => Err(self.err(format!(
                "{p}.{key} {n} is out of range {}..{}",
                range.start(),
                range.end()
            ))),
            None => Err(self.err(format!(
                "{p}.{key} must be an integer, got {}",
                json_type_or_value(v)
            ))),
        }
    }

    /// A required integer in `range`.
    pub(crate) fn req_int(&self, key: &str, range: RangeInclusive<i64>) -> Result<i64> {
        let p = self.path;
        self.opt_int(key, range)?
            .ok_or_else(|| self.err(format!("{p}.{key} is required")))
    }

    /// An optional list of non-blank strings (`null` or absent is `None`; an empty list is
    /// kept, the caller decides).
    pub(crate) fn opt_str_list(&self, key: &str) -> Result<Option<Vec<String>>> {
        let p = self.path;
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let Value::Array(items) = v else {
            return Err(self.err(format!(
                "{p}.{key} must be an array of strings, got {}",
                json_type(v)
            )));
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) if !s.trim().is_empty() && s.chars().count() <= MAX_FIELD_LEN => {
                    out.push(s.clone())
                }
                Value::String(_) => {
                    return Err(self.err(format!(
                        "{p}.{key}[{i}] must be a non-blank string of at most \
                         {MAX_FIELD_LEN} characters"
                    )));
                }
                other => {
                    return Err(self.err(format!(
                        "{p}.{key}[{i}] must be a string, got {}",
                        json_type(other)
                    )));
                }
            }
        }
        Ok(Some(out))
    }

    /// A required, non-empty list of non-blank strings.
    pub(crate) fn req_str_list(&self, key: &str) -> Result<Vec<String>> {
        let p = self.path;
        match self.opt_str_list(key)? {
            Some(list) if !list.is_empty() => Ok(list),
            Some(_) => Err(self.err(format!("{p}.{key} must not be empty"))),
            None => Err(self.err(format!("{p}.{key} is required"))),
        }
    }

    /// An optional boolean, given as a JSON boolean or as the string `"true"`/`"false"`
    /// (the seed types `kafka_ssl_enable` as a string, digest A19).
    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>> {
        let p = self.path;
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(other) => Err(self.err(format!(
                "{p}.{key} must be a boolean, got {}",
                json_type_or_value(other)
            ))),
        }
    }
}

/// The JSON type of a value, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value itself when it is short and scalar, else its type.
fn json_type_or_value(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 32 => format!("\"{s}\""),
        other => json_type(other).to_owned(),
    }
}

/// Trigger names (TIMER, APIG, OBS, CTS): 1..64 characters, a letter first, then letters,
/// digits, `-` and `_` (emulator rule; the seed gives the codes only). Too long is FSS.1317,
/// any other defect FSS.1319 (a 502 in the seed's table).
pub const MAX_TRIGGER_NAME_LEN: usize = 64;

/// Checks a trigger name against [`MAX_TRIGGER_NAME_LEN`] and the character rules.
pub(crate) fn check_trigger_name(name: &str, ty: &str) -> Result<()> {
    let len = name.chars().count();
    if len > MAX_TRIGGER_NAME_LEN {
        return Err(ErrorKind::TriggerNameTooLong.with(format!(
            "{ty} trigger name '{name}' has {len} characters, at most {MAX_TRIGGER_NAME_LEN}"
        )));
    }
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !first_ok || !rest_ok {
        return Err(ErrorKind::InvalidTriggerName.with(format!(
            "{ty} trigger name '{name}' must start with a letter and hold only letters, \
             digits, '-' and '_'"
        )));
    }
    Ok(())
}
