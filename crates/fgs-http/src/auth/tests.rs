//! Unit tests of the signature and token checks (the SDK's algorithm, each rejection).
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
    let path = "/v2/p/fgs/functions/urn%3Afss%3Ar%3Ap%3Afunction%3Adefault%3Af%3Alatest/versions";
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
        format!("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature={good_sig}, Extra=1"),
        format!("SDK-HMAC-SHA256 Access=AK1, Access=AK1, SignedHeaders=host, Signature={good_sig}"),
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
