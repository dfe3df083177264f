//! Request authentication: `X-Auth-Token` or the SDKs' AK/SK signature (seed §3.2, digest
//! `api-part1.md` §4.2; codes from seed §7.2, digest `api-part2.md` §11).
//!
//! [`Auth::Open`] (the default on loopback) accepts every request. [`Auth::Verify`] checks each
//! request against configured tokens and (AK, SK) pairs. Every credential a request carries
//! must be valid: a request with both a token and a signature needs both to pass.
//!
//! # The signature (`SDK-HMAC-SHA256`, as the official SDKs' `Signer` computes it)
//! `Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex`, with
//! `X-Sdk-Date: YYYYMMDDTHHMMSSZ` (UTC). The verifier rebuilds
//! `CanonicalRequest = METHOD \n URI \n QUERY \n HEADERS \n SIGNEDHEADERS \n PAYLOADHASH`:
//! - URI: the raw path percent-decoded, split on `/`, each segment re-encoded leaving only
//!   `A-Za-z0-9-_.~` unescaped (uppercase hex), joined by `/`, a `/` appended if missing;
//! - QUERY: the `key=value` pairs percent-decoded, sorted by (key, value), each side re-encoded
//!   the same way, joined by `&` (`true`/`false` lower-cased, as the SDK does); empty when none;
//! - HEADERS: `name:value\n` for each name of `SignedHeaders`, in the listed order, the name
//!   lower-case and the value as received, trimmed (repeated headers joined by `,`);
//! - SIGNEDHEADERS: the attribute as sent; PAYLOADHASH: lowercase hex SHA-256 of the body.
//!
//! Decoding works on bytes: a path or query whose decoded bytes are not UTF-8 (which Python's
//! `unquote` would replace by U+FFFD) is re-encoded byte for byte; the SDKs never send one.
//!
//! `StringToSign = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(SHA-256(CanonicalRequest))` and the
//! signature is hex HMAC-SHA256 keyed with the SK bytes (no key derivation), compared in
//! constant time. Tokens are compared in constant time as well.
//!
//! # The 15-minute window
//! `X-Sdk-Date` may differ from the emulator's clock (`now`) by at most 15 minutes either way
//! (exactly 15 minutes is accepted); further off is rejected, so a captured request cannot be
//! replayed later.
//!
//! # Mapping to codes (missing or invalid credentials are 401; a bad token is 403)
//! - no `X-Auth-Token` and no `Authorization`: 401 `FSS.0401`;
//! - `X-Auth-Token` that is not a configured token: 403 `FSS.0403` (seed examples: "invalid token");
//! - `Authorization` not `SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=<64 hex>`: 401 `FSS.0401`;
//! - a signed header absent from the request: 401 `FSS.0401`;
//! - unknown AK: 401 `FSS.0401`;
//! - missing or malformed `X-Sdk-Date`: 401 `FSS.0401`;
//! - `X-Sdk-Date` more than 15 minutes from `now`: 401 `FSS.0401`;
//! - signature mismatch (changed body, path, query or signed header; wrong SK): 401 `FSS.0401`.
//!
//! Messages say what is wrong; they never contain the SK or the expected signature.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fgs_core::{Error, ErrorKind};
use hmac::{Hmac, Mac};
use http::{HeaderMap, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use sha2::{Digest, Sha256};

/// The only signing algorithm the SDKs use.
const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// How far `X-Sdk-Date` may be from the emulator's clock, either way.
const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);
/// Everything but `A-Za-z0-9-_.~` is escaped (Python `quote(s, safe='~')`).
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How requests are authenticated. Default `Open`.
#[derive(Debug, Clone, Default)]
pub enum Auth {
    /// Every request is accepted (the loopback default).
    #[default]
    Open,
    /// Every request must carry a valid credential.
    Verify {
        /// The accepted (AK, SK) pairs.
        keys: Vec<(String, String)>,
        /// The accepted `X-Auth-Token` values.
        tokens: Vec<String>,
    },
}

/// Checks one request. `path_and_query` is the raw request target as received
/// (percent-encoded), `headers` as received, `body` the full body bytes, `now` the
/// emulator's clock. Ok for Open. Errors are `fgs_core::Error` with the seed's codes
/// (see the module docs for the mapping).
pub fn verify(
    auth: &Auth,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let Auth::Verify { keys, tokens } = auth else {
        return Ok(());
    };
    let token = headers.get("x-auth-token");
    let authorization = headers.get(http::header::AUTHORIZATION);
    if token.is_none() && authorization.is_none() {
        return Err(unauthorized(
            "no credentials: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header",
        ));
    }
    if let Some(token) = token {
        let given = token.as_bytes();
        // Look at every token, so the time does not tell which one came close.
        let known = tokens
            .iter()
            .fold(false, |found, t| ct_eq(t.as_bytes(), given) | found);
        if !known {
            return Err(ErrorKind::Forbidden.with("invalid token"));
        }
    }
    if let Some(authorization) = authorization {
        let authorization = authorization
            .to_str()
            .map_err(|_| unauthorized("the Authorization header is not visible ASCII"))?;
        let parsed = parse_authorization(authorization)?;
        let date = sdk_date(headers, now)?;
        let sk = keys
            .iter()
            .find(|(ak, _)| ak == parsed.access)
            .map(|(_, sk)| sk)
            .ok_or_else(|| unauthorized(format!("unknown access key `{}`", parsed.access)))?;
        let canonical =
            canonical_request(method, path_and_query, headers, parsed.signed_headers, body)?;
        let mut mac =
            Hmac::<Sha256>::new_from_slice(sk.as_bytes()).expect("HMAC accepts keys of any length");
        mac.update(string_to_sign(date, &canonical).as_bytes());
        mac.verify_slice(&parsed.signature).map_err(|_| {
            unauthorized(
                "the signature does not match the request (method, path, query, signed headers, body or secret key)",
            )
        })?;
    }
    Ok(())
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 ...` header.
struct Authorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: Vec<u8>,
}

/// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
fn parse_authorization(value: &str) -> Result<Authorization<'_>, Error> {
    let malformed = |what: &str| {
        unauthorized(format!(
            "malformed Authorization header ({what}); expected `{ALGORITHM} Access=AK, SignedHeaders=a;b, Signature=hex`"
        ))
    };
    let rest = value
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| malformed("the scheme is not SDK-HMAC-SHA256"))?;
    let (mut access, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| malformed("an attribute without `=`"))?;
        let slot = match name {
            "Access" => &mut access,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed("an unknown attribute")),
        };
        if slot.replace(value).is_some() {
            return Err(malformed("a repeated attribute"));
        }
    }
    let access = access
        .filter(|a| !a.is_empty())
        .ok_or_else(|| malformed("no Access"))?;
    let signed_headers = signed_headers
        .filter(|s| !s.is_empty() && s.split(';').all(|h| !h.is_empty()))
        .ok_or_else(|| malformed("no or empty SignedHeaders"))?;
    let signature = signature
        .filter(|s| s.len() == 64)
        .and_then(|s| hex::decode(s).ok())
        .ok_or_else(|| malformed("Signature is not 64 hex digits"))?;
    Ok(Authorization {
        access,
        signed_headers,
        signature,
    })
}

/// The `X-Sdk-Date` header, checked for its format and the 15-minute window.
fn sdk_date(headers: &HeaderMap, now: DateTime<Utc>) -> Result<&str, Error> {
    let raw = headers
        .get("x-sdk-date")
        .ok_or_else(|| unauthorized("no X-Sdk-Date header (required with an AK/SK signature)"))?;
    let text = raw
        .to_str()
        .ok()
        .filter(|t| parse_sdk_date(t).is_some())
        .ok_or_else(|| unauthorized("malformed X-Sdk-Date: expected YYYYMMDDTHHMMSSZ (UTC)"))?;
    let date = parse_sdk_date(text).expect("checked above");
    if (now - date).abs() > MAX_SKEW {
        return Err(unauthorized(format!(
            "X-Sdk-Date {text} is more than 15 minutes from the server time {}",
            now.format("%Y%m%dT%H%M%SZ")
        )));
    }
    Ok(text)
}

/// `YYYYMMDDTHHMMSSZ`, digits only, a valid calendar date and time.
fn parse_sdk_date(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = &text[range];
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(4..6)?, num(6..8)?)?;
    let time = date.and_hms_opt(num(9..11)?, num(11..13)?, num(13..15)?)?;
    Some(time.and_utc())
}

/// The canonical request of the SDK's `Signer` (module docs), rebuilt from what was received.
fn canonical_request(
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    signed_headers: &str,
    body: &[u8],
) -> Result<String, Error> {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut out = String::with_capacity(256 + path_and_query.len());
    out.push_str(method.as_str());
    out.push('\n');
    out.push_str(&canonical_uri(path));
    out.push('\n');
    out.push_str(&canonical_query(query));
    out.push('\n');
    for name in signed_headers.split(';') {
        let lower = name.to_ascii_lowercase();
        let mut values = headers.get_all(lower.as_str()).iter();
        let first = values
            .next()
            .ok_or_else(|| unauthorized(format!("signed header `{name}` is not in the request")))?;
        out.push_str(&lower);
        out.push(':');
        let mut value = String::from_utf8_lossy(first.as_bytes()).trim().to_owned();
        for more in values {
            value.push(',');
            value.push_str(String::from_utf8_lossy(more.as_bytes()).trim());
        }
        out.push_str(&value);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(signed_headers);
    out.push('\n');
    out.push_str(&hex::encode(Sha256::digest(body)));
    Ok(out)
}

/// Decoded, split on `/`, each segment re-encoded, ending with `/`.
fn canonical_uri(path: &str) -> String {
    let decoded: Vec<u8> = percent_decode_str(path).collect();
    let mut uri = decoded
        .split(|&b| b == b'/')
        .map(|segment| percent_encode(segment, ESCAPED).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Pairs decoded, sorted by (key, value), re-encoded, joined by `&`.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode_str(k).collect(),
                percent_decode_str(v).collect(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| {
            let value = if v.eq_ignore_ascii_case(b"true") || v.eq_ignore_ascii_case(b"false") {
                String::from_utf8_lossy(v).to_ascii_lowercase()
            } else {
                percent_encode(v, ESCAPED).to_string()
            };
            format!("{}={value}", percent_encode(k, ESCAPED))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `SDK-HMAC-SHA256 \n date \n hex(sha256(canonical))`.
fn string_to_sign(date: &str, canonical: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

/// Equality whose time depends only on the lengths.
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unauthorized(message: impl Into<String>) -> Error {
    ErrorKind::Unauthorized.with(message)
}

#[cfg(test)]
mod tests;
