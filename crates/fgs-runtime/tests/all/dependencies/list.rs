//! Tests: List dependencies (seed §5.3.1): shape, paging and filters.

use fgs_core::dependency::ListDependenciesQuery;
use fgs_core::limits::Limits;
use fgs_runtime::Emulator;
use serde_json::{Value, json};

use super::{create, keys, set, zip_req};
use crate::common::{assert_code, emulator, emulator_with};

fn query(pairs: &[(&str, &str)]) -> ListDependenciesQuery {
    let map: serde_json::Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    serde_json::from_value(Value::Object(map)).unwrap()
}

fn names(emu: &Emulator, pairs: &[(&str, &str)]) -> Vec<String> {
    emu.list_dependencies(query(pairs))
        .unwrap()
        .dependencies
        .into_iter()
        .map(|d| d.name)
        .collect()
}

fn five(emu: &Emulator) {
    for (name, rt) in [
        ("pandas", "Python3.6"),
        ("numpy", "Python3.6"),
        ("lodash", "Node.js12.13"),
        ("pandas-extra", "Python3.9"),
        ("gson", "Java8"),
    ] {
        emu.create_dependency(zip_req(name, rt)).unwrap();
    }
}

#[test]
fn list_shape_follows_the_seed_example() {
    let (emu, _) = emulator();
    five(&emu);
    // §5.3.1 example query: marker=0&maxitems=400.
    let list = emu
        .list_dependencies(query(&[("marker", "0"), ("maxitems", "400")]))
        .unwrap();
    let v = serde_json::to_value(&list).unwrap();
    assert_eq!(keys(&v), set(&["dependencies", "next_marker", "count"]));
    // Exhausted list: next_marker == count, as in the example (43/43).
    assert_eq!(v["next_marker"], json!(5));
    assert_eq!(v["count"], json!(5));
    let item = &v["dependencies"][0];
    assert_eq!(
        keys(item),
        set(&[
            "id",
            "owner",
            "link",
            "runtime",
            "etag",
            "size",
            "name",
            "file_name",
            "version",
            "last_modified"
        ])
    );
    assert!(item["size"].is_u64() && item["version"].is_i64() && item["last_modified"].is_i64());
    // Creation order.
    assert_eq!(
        names(&emu, &[]),
        ["pandas", "numpy", "lodash", "pandas-extra", "gson"]
    );
    // Empty project.
    let (empty, _) = emulator();
    let list = empty.list_dependencies(Default::default()).unwrap();
    assert_eq!(
        (list.dependencies.len(), list.next_marker, list.count),
        (0, 0, 0)
    );
}

#[test]
fn list_paging_with_marker_maxitems_and_limit() {
    let (emu, _) = emulator();
    five(&emu);
    let page = |pairs: &[(&str, &str)]| {
        let l = emu.list_dependencies(query(pairs)).unwrap();
        let n: Vec<String> = l.dependencies.into_iter().map(|d| d.name).collect();
        (n, l.next_marker, l.count)
    };
    assert_eq!(
        page(&[("maxitems", "2")]),
        (vec!["pandas".into(), "numpy".into()], 2, 5)
    );
    assert_eq!(
        page(&[("marker", "2"), ("maxitems", "2")]),
        (vec!["lodash".into(), "pandas-extra".into()], 4, 5)
    );
    assert_eq!(
        page(&[("marker", "4"), ("maxitems", "2")]),
        (vec!["gson".into()], 5, 5)
    );
    assert_eq!(page(&[("marker", "9")]), (vec![], 5, 5));
    // `limit` is the page size when `maxitems` is absent; `maxitems` wins over it.
    assert_eq!(page(&[("limit", "1")]).0, ["pandas"]);
    assert_eq!(page(&[("limit", "1"), ("maxitems", "3")]).0.len(), 3);
    // 0 means the default (400).
    assert_eq!(page(&[("maxitems", "0")]).0.len(), 5);
    assert_eq!(page(&[("maxitems", ""), ("marker", "")]).0.len(), 5);
}

#[test]
fn list_page_size_above_400_is_capped() {
    let limits = Limits {
        max_dependencies: 401,
        ..Limits::default()
    };
    let (emu, _) = emulator_with(Emulator::builder().limits(limits));
    for i in 0..401 {
        create(&emu, &format!("d{i}"));
    }
    let list = emu
        .list_dependencies(query(&[("maxitems", "1000")]))
        .unwrap();
    assert_eq!(
        (list.dependencies.len(), list.next_marker, list.count),
        (400, 400, 401)
    );
    let list = emu.list_dependencies(query(&[("marker", "400")])).unwrap();
    assert_eq!(list.dependencies[0].name, "d400");
}

#[test]
fn list_bad_query_values_are_fss_1001() {
    let (emu, _) = emulator();
    for pairs in [
        [("marker", "-1")],
        [("marker", "x")],
        [("maxitems", "-5")],
        [("maxitems", "ten")],
        [("limit", "-1")],
        [("limit", "1.5")],
        [("ispublic", "yes")],
        [("dependency_type", "mine")],
        [("runtime", "Python 3.6")],
    ] {
        assert_code(emu.list_dependencies(query(&pairs)), "FSS.1001", 400);
    }
}

#[test]
fn list_filters() {
    let (emu, _) = emulator();
    five(&emu);
    // Every dependency the emulator creates is private (owner = domain id).
    assert!(names(&emu, &[("ispublic", "true")]).is_empty());
    assert_eq!(names(&emu, &[("ispublic", "false")]).len(), 5);
    assert!(names(&emu, &[("dependency_type", "public")]).is_empty());
    assert_eq!(names(&emu, &[("dependency_type", "private")]).len(), 5);
    assert_eq!(names(&emu, &[("dependency_type", "all")]).len(), 5);
    assert_eq!(
        names(&emu, &[("runtime", "Python3.6")]),
        ["pandas", "numpy"]
    );
    // `Custom` is a valid filter value (17-value list) that matches nothing here.
    assert!(names(&emu, &[("runtime", "Custom")]).is_empty());
    // `name` matches a substring.
    assert_eq!(
        names(&emu, &[("name", "pandas")]),
        ["pandas", "pandas-extra"]
    );
    let l = emu
        .list_dependencies(query(&[("name", "pandas"), ("runtime", "Python3.9")]))
        .unwrap();
    assert_eq!(
        (l.count, l.dependencies[0].name.as_str()),
        (1, "pandas-extra")
    );
}
