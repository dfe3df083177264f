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
mod tests {
    use super::*;
    use http::{HeaderName, HeaderValue};

    const P: &str = "0123456789abcdef0123456789abcdef";
    const DATE: &str = "20261204T120000Z";
    const V1_PATH: &str = "/v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Aecho%3A%21prod/invocations";
    const V1_SIG: &str = "3723725c3b738fbad47f93d7476d5436ff926fed3c7302b9487c662749925e0c";
    const V2_TARGET: &str = "/v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Aecho%3Alatest/async-invocations?limit=10&request_id=r%201";
    const V2_SIG: &str = "9e9dfea3bc3370db4bba6803756f78ff28fd20ba4d5dd426f927ec9457e5d2ef";
    const V1_SIGNED: &str =
        "content-type;host;user-agent;x-cff-request-version;x-project-id;x-sdk-date";
    const V2_SIGNED: &str = "content-type;host;user-agent;x-project-id;x-sdk-date";

    fn now() -> DateTime<Utc> {
        parse_sdk_date(DATE).unwrap()
    }

    fn keys() -> Auth {
        Auth::Verify {
            keys: vec![("AK0".into(), "other".into()), ("AK1".into(), "SK1".into())],
            tokens: vec!["tok-1".into(), "tok-2".into()],
        }
    }

    /// The headers of the WIRE-NOTES vectors (the SDK's own, in the SDK's spelling).
    fn sdk_headers(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut h: Vec<(String, String)> = [
            ("Content-Type", "application/json"),
            ("User-Agent", "huaweicloud-usdk-python/3.0"),
            ("X-Project-Id", P),
            ("X-Sdk-Date", DATE),
            ("Host", "127.0.0.1:8000"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        h.sort();
        h
    }

    fn header_map(headers: &[(String, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn with_authorization(mut map: HeaderMap, ak: &str, signed: &str, sig: &str) -> HeaderMap {
        let value = format!("SDK-HMAC-SHA256 Access={ak}, SignedHeaders={signed}, Signature={sig}");
        map.insert(http::header::AUTHORIZATION, value.parse().unwrap());
        map
    }

    /// Python `quote(s, safe='~')`, written out by hand (not with the verifier's encoder).
    fn quote(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    /// Python `unquote(s)` for the ASCII paths the tests use.
    fn unquote(s: &str) -> String {
        let b = s.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < b.len() {
            if b[i] == b'%' && i + 2 < b.len() {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    /// The SDK's side (WIRE-NOTES `Signer.sign`): signs `method path?query` with the given
    /// headers (all signed, `_` names skipped) and returns the request target and headers.
    fn sign(
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        headers: &[(String, String)],
        body: &[u8],
        ak: &str,
        sk: &str,
    ) -> (String, HeaderMap) {
        let mut q: Vec<_> = query.to_vec();
        q.sort();
        let cq = q
            .iter()
            .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut uri = unquote(path)
            .split('/')
            .map(quote)
            .collect::<Vec<_>>()
            .join("/");
        if !uri.ends_with('/') {
            uri.push('/');
        }
        let mut names: Vec<(String, String)> = headers
            .iter()
            .filter(|(k, _)| !k.contains('_'))
            .map(|(k, v)| (k.to_lowercase(), v.trim().to_string()))
            .collect();
        names.sort();
        let signed = names
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(";");
        let block: String = names.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
        let body_hash = hex::encode(Sha256::digest(body));
        let canonical = format!("{method}\n{uri}\n{cq}\n{block}\n{signed}\n{body_hash}");
        let date = &headers.iter().find(|(k, _)| k == "X-Sdk-Date").unwrap().1;
        let sts = format!(
            "SDK-HMAC-SHA256\n{date}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes()).unwrap();
        mac.update(sts.as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        let target = if cq.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{cq}")
        };
        (
            target,
            with_authorization(header_map(headers), ak, &signed, &sig),
        )
    }

    fn check(target: &str, map: &HeaderMap, method: Method, body: &[u8]) -> Result<(), Error> {
        verify(&keys(), &method, target, map, body, now())
    }

    fn assert_401(r: Result<(), Error>, needle: &str) {
        let e = r.expect_err("must be rejected");
        assert_eq!((e.status(), e.code()), (401, "FSS.0401"), "{e}");
        assert!(
            e.message().contains(needle),
            "`{}` lacks `{needle}`",
            e.message()
        );
        assert!(!e.message().contains("SK1"), "{e}");
    }

    fn v1() -> HeaderMap {
        let map = header_map(&sdk_headers(&[("X-CFF-Request-Version", "v1")]));
        with_authorization(map, "AK1", V1_SIGNED, V1_SIG)
    }

    #[test]
    fn sdk_vector_1_canonical_request_and_signature() {
        let canonical =
            canonical_request(&Method::POST, V1_PATH, &v1(), V1_SIGNED, br#"{"k": "v"}"#).unwrap();
        let expected = format!(
            "POST\n{V1_PATH}/\n\ncontent-type:application/json\nhost:127.0.0.1:8000\n\
             user-agent:huaweicloud-usdk-python/3.0\nx-cff-request-version:v1\n\
             x-project-id:{P}\nx-sdk-date:{DATE}\n\n{V1_SIGNED}\n\
             4be281edc378f1c5e5eb9c15f9dbf5a80da2977981850f93553d5d70b75f1626"
        );
        assert_eq!(canonical, expected);
        assert_eq!(
            hex::encode(Sha256::digest(canonical.as_bytes())),
            "a6ba1b452ce2b7d6807875f81b62b2973f2552ec12f9d16d60fcffe13f0d45f7"
        );
        check(V1_PATH, &v1(), Method::POST, br#"{"k": "v"}"#).unwrap();
    }

    #[test]
    fn sdk_vector_2_with_query_verifies() {
        let map = with_authorization(header_map(&sdk_headers(&[])), "AK1", V2_SIGNED, V2_SIG);
        let canonical = canonical_request(&Method::GET, V2_TARGET, &map, V2_SIGNED, b"").unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(canonical.as_bytes())),
            "5c35a7ce62a361bd47b32f5df99348c492fd1a60e46dff4b5dc618b7e3194e03"
        );
        check(V2_TARGET, &map, Method::GET, b"").unwrap();
    }

    #[test]
    fn test_signer_reproduces_the_sdk_vectors() {
        let h = sdk_headers(&[("X-CFF-Request-Version", "v1")]);
        let (_, map) = sign("POST", V1_PATH, &[], &h, br#"{"k": "v"}"#, "AK1", "SK1");
        assert_eq!(
            map[http::header::AUTHORIZATION],
            v1()[http::header::AUTHORIZATION]
        );
        let (path, _) = V2_TARGET.split_once('?').unwrap();
        let q = [("request_id", "r 1"), ("limit", "10")];
        let (target, map) = sign("GET", path, &q, &sdk_headers(&[]), b"", "AK1", "SK1");
        assert_eq!(target, V2_TARGET);
        assert!(
            map[http::header::AUTHORIZATION]
                .to_str()
                .unwrap()
                .ends_with(V2_SIG)
        );
    }

    #[test]
    fn open_accepts_anything() {
        let r = verify(
            &Auth::Open,
            &Method::GET,
            "/x",
            &HeaderMap::new(),
            b"",
            now(),
        );
        assert!(r.is_ok());
    }

    #[test]
    fn no_credentials_is_401() {
        assert_401(
            check(
                "/v2/p/fgs/functions",
                &header_map(&sdk_headers(&[])),
                Method::GET,
                b"",
            ),
            "no credentials",
        );
    }

    #[test]
    fn tokens_known_accepted_unknown_403() {
        let mut map = HeaderMap::new();
        map.insert("x-auth-token", "tok-2".parse().unwrap());
        check("/v2/p/fgs/functions", &map, Method::GET, b"").unwrap();
        for bad in ["tok-3", "tok-", "", "tok-22"] {
            map.insert("x-auth-token", bad.parse().unwrap());
            let e = check("/v2/p/fgs/functions", &map, Method::GET, b"").unwrap_err();
            assert_eq!(
                (e.status(), e.code(), e.message()),
                (403, "FSS.0403", "invalid token")
            );
        }
        // A good signature does not excuse a bad token sent alongside it.
        let mut both = v1();
        both.insert("x-auth-token", "nope".parse().unwrap());
        let e = check(V1_PATH, &both, Method::POST, br#"{"k": "v"}"#).unwrap_err();
        assert_eq!(e.code(), "FSS.0403");
    }

    #[test]
    fn unknown_ak_and_wrong_sk_are_401() {
        let h = sdk_headers(&[]);
        let (t, map) = sign("GET", "/v2/p/fgs/functions", &[], &h, b"", "AK9", "SK1");
        assert_401(
            check(&t, &map, Method::GET, b""),
            "unknown access key `AK9`",
        );
        let (t, map) = sign("GET", "/v2/p/fgs/functions", &[], &h, b"", "AK1", "wrong");
        assert_401(
            check(&t, &map, Method::GET, b""),
            "signature does not match",
        );
    }

    #[test]
    fn changed_body_path_query_method_or_signed_header_is_401() {
        let q = [("marker", "0"), ("maxitems", "5")];
        let path =
            "/v2/p/fgs/functions/urn%3Afss%3Ar%3Ap%3Afunction%3Adefault%3Af%3Alatest/versions";
        let (t, map) = sign(
            "POST",
            path,
            &q,
            &sdk_headers(&[]),
            b"{\"a\":1}",
            "AK1",
            "SK1",
        );
        check(&t, &map, Method::POST, b"{\"a\":1}").unwrap();
        let mismatch = "signature does not match";
        assert_401(check(&t, &map, Method::POST, b"{\"a\":2}"), mismatch);
        assert_401(check(&t, &map, Method::POST, b""), mismatch);
        assert_401(check(&t, &map, Method::PUT, b"{\"a\":1}"), mismatch);
        assert_401(
            check(
                &t.replace("%3Af%3A", "%3Ag%3A"),
                &map,
                Method::POST,
                b"{\"a\":1}",
            ),
            mismatch,
        );
        assert_401(
            check(
                &t.replace("maxitems=5", "maxitems=6"),
                &map,
                Method::POST,
                b"{\"a\":1}",
            ),
            mismatch,
        );
        assert_401(
            check(&format!("{t}&x=1"), &map, Method::POST, b"{\"a\":1}"),
            mismatch,
        );
        let mut changed = map.clone();
        changed.insert("x-project-id", "other".parse().unwrap());
        assert_401(check(&t, &changed, Method::POST, b"{\"a\":1}"), mismatch);
        // An unsigned header may change (requests' own Accept, Connection...).
        let mut unsigned = map.clone();
        unsigned.insert("accept", "*/*".parse().unwrap());
        check(&t, &unsigned, Method::POST, b"{\"a\":1}").unwrap();
    }

    #[test]
    fn signed_header_missing_from_request_is_401() {
        let mut map = v1();
        map.remove("x-cff-request-version");
        assert_401(
            check(V1_PATH, &map, Method::POST, br#"{"k": "v"}"#),
            "`x-cff-request-version` is not in the request",
        );
    }

    #[test]
    fn malformed_authorization_is_401() {
        let base = header_map(&sdk_headers(&[]));
        let good_sig = V2_SIG;
        for bad in [
            "Bearer abc".to_string(),
            "SDK-HMAC-SHA1 Access=AK1, SignedHeaders=host, Signature=00".to_string(),
            format!("SDK-HMAC-SHA256 Access=AK1, Signature={good_sig}"),
            format!("SDK-HMAC-SHA256 SignedHeaders=host, Signature={good_sig}"),
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host".to_string(),
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=zz".to_string(),
            format!(
                "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature={}",
                "g".repeat(64)
            ),
            format!("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;;x, Signature={good_sig}"),
            format!(
                "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature={good_sig}, Extra=1"
            ),
            format!(
                "SDK-HMAC-SHA256 Access=AK1, Access=AK1, SignedHeaders=host, Signature={good_sig}"
            ),
            format!("SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature={good_sig}"),
            "SDK-HMAC-SHA256 garbage".to_string(),
            "SDK-HMAC-SHA256".to_string(),
        ] {
            let mut map = base.clone();
            map.insert(http::header::AUTHORIZATION, bad.parse().unwrap());
            assert_401(
                check(V2_TARGET, &map, Method::GET, b""),
                "malformed Authorization",
            );
        }
        let mut map = base.clone();
        map.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_bytes(b"SDK-HMAC-SHA256 \xff").unwrap(),
        );
        assert_401(
            check(V2_TARGET, &map, Method::GET, b""),
            "not visible ASCII",
        );
    }

    #[test]
    fn missing_or_malformed_sdk_date_is_401() {
        let mut map = with_authorization(header_map(&sdk_headers(&[])), "AK1", V2_SIGNED, V2_SIG);
        map.remove("x-sdk-date");
        assert_401(check(V2_TARGET, &map, Method::GET, b""), "no X-Sdk-Date");
        for bad in [
            "2026-12-04T12:00:00Z",
            "20261204T120000",
            "20261304T120000Z",
            "20261204T250000Z",
            "2026120XT120000Z",
            "+0261204T120000Z",
            "20261204 120000Z",
            "",
        ] {
            map.insert("x-sdk-date", bad.parse().unwrap());
            assert_401(
                check(V2_TARGET, &map, Method::GET, b""),
                "malformed X-Sdk-Date",
            );
        }
    }

    #[test]
    fn sdk_date_window_is_15_minutes_either_way() {
        let at = |offset: i64| {
            let date = (now() + TimeDelta::seconds(offset))
                .format("%Y%m%dT%H%M%SZ")
                .to_string();
            let h = sdk_headers(&[])
                .into_iter()
                .map(|(k, v)| {
                    if k == "X-Sdk-Date" {
                        (k, date.clone())
                    } else {
                        (k, v)
                    }
                })
                .collect::<Vec<_>>();
            let (t, map) = sign("GET", "/v2/p/fgs/functions", &[], &h, b"", "AK1", "SK1");
            check(&t, &map, Method::GET, b"")
        };
        for ok in [0, 900, -900, 60, -60] {
            at(ok).unwrap_or_else(|e| panic!("offset {ok}: {e}"));
        }
        for late in [901, -901, 86_400, -86_400] {
            assert_401(at(late), "more than 15 minutes");
        }
    }

    #[test]
    fn percent_encoded_urns_and_multi_key_queries_verify() {
        let urns = [
            "urn%3Afss%3Acn-north-4%3Ap%3Afunction%3Adefault%3Aecho%3A%21prod",
            "urn%3Afss%3Acn-north-4%3Ap%3Afunction%3Adefault%3Aecho%3Av1",
            "urn%3afss%3acn-north-4%3ap%3afunction%3adefault%3aecho", // lowercase hex
            "urn:fss:cn-north-4:p:function:default:echo:!prod",       // not encoded at all
        ];
        let q = [
            ("request_id", "a b&c=d/é"),
            ("limit", "10"),
            ("marker", "0"),
            ("status", "true"),
        ];
        for urn in urns {
            let path = format!("/v2/p/fgs/functions/{urn}/async-invocations");
            let (t, map) = sign("GET", &path, &q, &sdk_headers(&[]), b"", "AK1", "SK1");
            check(&t, &map, Method::GET, b"").unwrap_or_else(|e| panic!("{t}: {e}"));
        }
        // The same pairs in another order on the wire sign the same.
        let path = "/v2/p/fgs/functions/urn%3Afss%3Ar%3Ap%3Afunction%3Adefault%3Aecho%3A%21a/async-invocations";
        let (t, map) = sign("GET", path, &q, &sdk_headers(&[]), b"", "AK1", "SK1");
        let (p, query) = t.split_once('?').unwrap();
        let mut parts: Vec<&str> = query.split('&').collect();
        parts.reverse();
        check(&format!("{p}?{}", parts.join("&")), &map, Method::GET, b"").unwrap();
    }

    #[test]
    fn signature_compare_leaks_nothing_in_messages() {
        let h = sdk_headers(&[]);
        let (t, map) = sign("GET", "/v2/p/fgs/functions", &[], &h, b"", "AK1", "wrong");
        let (_, good) = sign("GET", "/v2/p/fgs/functions", &[], &h, b"", "AK1", "SK1");
        let good = good[http::header::AUTHORIZATION].to_str().unwrap();
        let expected = &good[good.len() - 64..];
        let e = check(&t, &map, Method::GET, b"").unwrap_err();
        assert!(
            !e.message().contains(expected) && !e.message().contains("SK1"),
            "{e}"
        );
    }
}
