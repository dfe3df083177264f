//! Whether a text is one JSON document (RFC 8259), for the media type of a v0 sync-invoke
//! result ([`crate::invoke`]): `application/json` when the handler's bytes are JSON.
//!
//! A grammar check and nothing else: no value is built, numbers are not converted, nothing is
//! allocated below 128 levels of nesting, and nesting has no limit. It runs on every sync
//! invoke, where `serde_json` with `IgnoredAny` (a parse that keeps its bracket stack on the
//! heap) cost about half a microsecond a call with the caches cold
//! (`benches/examples/cold_cache.rs`). The input is `&str`, so UTF-8 is already checked;
//! outside strings the grammar only admits ASCII.

/// Whether `text` is one JSON value with optional whitespace around it.
///
/// Where the RFC's grammar and a `serde_json::Value` parse differ, this follows the grammar:
/// a number out of `f64` range, a `\u` escape of a lone surrogate and nesting deeper than 128
/// levels are JSON here (that parse refuses each); a leading byte-order mark is not.
pub(crate) fn is_json(text: &str) -> bool {
    let s = text.as_bytes();
    let mut open = Nesting::default();
    let mut i = ws(s, 0);
    loop {
        // A value starts at `i`: a container opens (and, unless empty, the next value
        // starts), or a scalar ends.
        i = match s.get(i) {
            Some(b'{') => {
                let j = ws(s, i + 1);
                if s.get(j) == Some(&b'}') {
                    j + 1
                } else {
                    open.push(true);
                    match member(s, j) {
                        Some(j) => {
                            i = j;
                            continue;
                        }
                        None => return false,
                    }
                }
            }
            Some(b'[') => {
                let j = ws(s, i + 1);
                if s.get(j) == Some(&b']') {
                    j + 1
                } else {
                    open.push(false);
                    i = j;
                    continue;
                }
            }
            Some(b'"') => match string(s, i) {
                Some(j) => j,
                None => return false,
            },
            Some(b't') if s[i..].starts_with(b"true") => i + 4,
            Some(b'f') if s[i..].starts_with(b"false") => i + 5,
            Some(b'n') if s[i..].starts_with(b"null") => i + 4,
            Some(b'-' | b'0'..=b'9') => match number(s, i) {
                Some(j) => j,
                None => return false,
            },
            _ => return false,
        };
        // A value ended before `i`: close containers until a `,` starts the next value.
        loop {
            i = ws(s, i);
            let Some(in_object) = open.top() else {
                return i == s.len();
            };
            match s.get(i) {
                Some(b',') if in_object => match member(s, ws(s, i + 1)) {
                    Some(j) => {
                        i = j;
                        break;
                    }
                    None => return false,
                },
                Some(b',') => {
                    i = ws(s, i + 1);
                    break;
                }
                Some(b'}') if in_object => open.pop(),
                Some(b']') if !in_object => open.pop(),
                _ => return false,
            }
            i += 1;
        }
    }
}

/// Which containers are open, innermost last (`true` for an object): a bit each for the
/// first 128 levels, a heap stack only beyond.
#[derive(Default)]
struct Nesting {
    depth: usize,
    shallow: u128,
    deep: Vec<bool>,
}

impl Nesting {
    fn push(&mut self, object: bool) {
        if self.depth < 128 {
            self.shallow = self.shallow & !(1u128 << self.depth) | u128::from(object) << self.depth;
        } else {
            self.deep.push(object);
        }
        self.depth += 1;
    }

    fn top(&self) -> Option<bool> {
        let d = self.depth.checked_sub(1)?;
        Some(if d < 128 {
            self.shallow >> d & 1 == 1
        } else {
            self.deep[d - 128]
        })
    }

    fn pop(&mut self) {
        self.depth -= 1;
        if self.depth >= 128 {
            self.deep.pop();
        }
    }
}

/// The index of the first byte at or after `i` that is not JSON whitespace.
fn ws(s: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = s.get(i) {
        i += 1;
    }
    i
}

/// An object member's key and `:` at `i`: the index where its value starts.
fn member(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'"') {
        return None;
    }
    let j = ws(s, string(s, i)?);
    (s.get(j) == Some(&b':')).then(|| ws(s, j + 1))
}

/// The string whose opening quote is at `i`: the index after its closing quote. Control
/// characters must be escaped; an escape is one of `\" \\ \/ \b \f \n \r \t \uXXXX`.
fn string(s: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match *s.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => {
                i += match *s.get(i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                    b'u' if s.get(i + 2..i + 6)?.iter().all(u8::is_ascii_hexdigit) => 6,
                    _ => return None,
                }
            }
            0..0x20 => return None,
            _ => i += 1,
        }
    }
}

/// The number starting at `i`: the index after it.
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn number(s: &[u8], mut i: usize) -> Option<usize> {
    let digits = |i: usize| {
        let n = s[i.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (n > 0).then_some(i + n)
    };
    if s[i] == b'-' {
        i += 1;
    }
    i = match s.get(i)? {
        b'0' => i + 1,
        _ => digits(i)?,
    };
    if s.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if let Some(b'e' | b'E') = s.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = s.get(i) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::is_json;

    #[test]
    fn documents_of_each_kind() {
        for ok in [
            "{}",
            "[]",
            " \t\r\n{ } ",
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
            r#"[1, -0, 0.5, -12.25e+3, 1E-2, 7e9]"#,
            r#""plain""#,
            r#""esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00""#,
            r#""lone \ud800 surrogate""#,
            "\"caf\u{e9} \u{1F600}\"",
            "1e999",
            "true",
            "  null  ",
            "[[],[[]],{}]",
            r#"{"a" : [ 1 , { "b" : [ ] } ] }"#,
        ] {
            assert!(is_json(ok), "{ok:?} is JSON");
        }
    }

    #[test]
    fn each_grammar_rule_refuses() {
        for bad in [
            "",
            "   ",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{1:2}",
            "{\"a\":1 \"b\":2}",
            "[1 2]",
            "[1}",
            "{\"a\":1]",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "0x10",
            "NaN",
            "tru",
            "nul",
            "True",
            "\"open",
            "\"bad \\x escape\"",
            "\"short \\u12\"",
            "\"raw \n newline\"",
            "\"raw \u{1} control\"",
            "{} {}",
            "1 2",
            "\u{feff}{}",
            "'single'",
            "[1,2]x",
        ] {
            assert!(!is_json(bad), "{bad:?} is not JSON");
        }
    }

    #[test]
    fn nesting_has_no_limit_and_must_balance() {
        for depth in [1, 127, 128, 129, 300] {
            let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            assert!(is_json(&arrays), "{depth} arrays");
            let objects = format!("{}1{}", "{\"k\":".repeat(depth), "}".repeat(depth));
            assert!(is_json(&objects), "{depth} objects");
            let mixed = format!("{}0{}", "[{\"k\":".repeat(depth), "}]".repeat(depth));
            assert!(is_json(&mixed), "{depth} arrays of objects");
            assert!(!is_json(&format!(
                "{}{}",
                "[".repeat(depth),
                "]".repeat(depth - 1)
            )));
            assert!(!is_json(&format!(
                "{}{}",
                "[".repeat(depth),
                "}".repeat(depth)
            )));
        }
    }

    /// Inputs built from the tokens JSON is made of (no `d`/`D`, so no `\u` escape names a
    /// surrogate, and short enough to nest fewer than 128 levels): where `serde_json` parses
    /// a whole value, this agrees, except for the numbers out of range it refuses by design.
    fn agrees_with_serde_json(text: &str) -> Result<(), TestCaseError> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(_) => prop_assert!(is_json(text), "serde_json parses {text:?}"),
            Err(e) if e.to_string().starts_with("number out of range") => {}
            Err(e) => prop_assert!(!is_json(text), "serde_json refuses {text:?}: {e}"),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn token_soup_agrees_with_serde_json(parts in proptest::collection::vec(
            prop_oneof![
                Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"),
                Just("\""), Just("\\"), Just("u"), Just("0"), Just("1"), Just("9"),
                Just("-"), Just("+"), Just("."), Just("e"), Just("E"), Just("a"),
                Just("f"), Just("true"), Just("false"), Just("null"), Just(" "),
                Just("\n"), Just("\u{1}"), Just("\u{e9}"), Just("\"k\":"), Just("\"s\""),
            ],
            0..40,
        )) {
            agrees_with_serde_json(&parts.concat())?;
        }

        #[test]
        fn mutated_documents_agree_with_serde_json(
            value in arbitrary_value(),
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![Just(b'{'), Just(b']'), Just(b','), Just(b'"'), Just(b'1'), Just(b' '), Just(b'.'), Just(b'e')],
            pretty in any::<bool>(),
        ) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            prop_assert!(is_json(&text), "serde_json wrote {text:?}");
            let mut bytes = text.into_bytes();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            if let Ok(mutated) = String::from_utf8(bytes) {
                agrees_with_serde_json(&mutated)?;
            }
        }
    }

    fn arbitrary_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z\u{e9}\"\\\\\n\u{1}]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map("[a-z]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
