//! Building `node.wasm`, the Node.js runtime component (`fgs-local runtimes install node`).
//!
//! The sources of `crates/fgs-lang/node` (the shim `src/*.js`, `build.sh`, and the npm
//! manifest and lock file pinning [`COMPONENTIZE_JS`], `@bytecodealliance/preview2-shim`
//! 0.25.0 and esbuild) are embedded in this crate and written to `<dir>/node-src`; `build.sh`
//! there runs `npm ci` (kept between builds while the lock file is unchanged), bundles the
//! shim with esbuild and componentizes it into `<dir>/node.wasm` (through a temporary file
//! renamed into place). `<dir>/node.stamp` records what was built ([`crate::stamp_of`]).
//! Needs `node` (>= 18) and `npm` on `PATH`. Measured: about 75 s on a 2-core machine the
//! first time (25 s of it `npm ci`), 12 MB.

use std::process::Command;

use sha2::{Digest, Sha256};

use crate::install::{mkdirs, run, sha256, write};
use crate::{Error, InstallOptions, Installed, Language, RuntimesDir, WIT};

/// The pinned componentize-js (npm) that builds `node.wasm`.
pub const COMPONENTIZE_JS: &str = "0.23.0";

/// The files `node.wasm` is built from, by their path under `crates/fgs-lang/node`.
pub const NODE_SOURCES: [(&str, &str); 7] = [
    ("build.sh", include_str!("../node/build.sh")),
    ("package.json", include_str!("../node/package.json")),
    (
        "package-lock.json",
        include_str!("../node/package-lock.json"),
    ),
    ("src/index.js", include_str!("../node/src/index.js")),
    ("src/loader.js", include_str!("../node/src/loader.js")),
    ("src/context.js", include_str!("../node/src/context.js")),
    ("src/format.js", include_str!("../node/src/format.js")),
];

/// The stamp of `node.wasm` as this build makes it.
pub(crate) fn node_stamp() -> String {
    let mut shim = Sha256::new();
    for (path, text) in NODE_SOURCES {
        shim.update(path.as_bytes());
        shim.update([0]);
        shim.update(text.as_bytes());
        shim.update([0]);
    }
    format!(
        "componentize-js {COMPONENTIZE_JS}\nshim {}\nwit {}\n",
        hex::encode(shim.finalize()),
        sha256(WIT.as_bytes())
    )
}

pub(crate) fn install_node(
    dir: &RuntimesDir,
    options: &InstallOptions,
    progress: &mut dyn FnMut(&str),
) -> Result<Installed, Error> {
    let lang = Language::Node;
    let target = dir.component(lang);
    if !options.force && dir.up_to_date(lang) == Some(true) {
        progress(&format!("node: {} is up to date", target.display()));
        return Ok(Installed {
            path: target,
            built: false,
        });
    }
    let root = dir.path();
    let src = root.join("node-src");
    mkdirs(&src.join("src"))?;
    mkdirs(&src.join("wit"))?;
    for (path, text) in NODE_SOURCES {
        write(&src.join(path), text.as_bytes())?;
    }
    let wit = src.join("wit").join("handler.wit");
    write(&wit, WIT.as_bytes())?;
    progress(&format!(
        "node: building node.wasm with componentize-js {COMPONENTIZE_JS} (npm ci, esbuild; about a minute)"
    ));
    let tmp = root.join(format!("node.wasm.tmp{}", std::process::id()));
    run(Command::new("bash")
        .arg(src.join("build.sh"))
        .arg(&tmp)
        .arg(&wit))?;
    std::fs::rename(&tmp, &target).map_err(|source| Error::Io {
        path: target.display().to_string(),
        source,
    })?;
    write(&dir.stamp_path(lang), node_stamp().as_bytes())?;
    progress(&format!("node: installed {}", target.display()));
    Ok(Installed {
        path: target,
        built: true,
    })
}
