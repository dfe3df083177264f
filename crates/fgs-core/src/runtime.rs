//! Runtime values (seed §2.2, DECISIONS "Runtimes").
//!
//! Functions accept the 17 wire values of the seed's "Opções" list, `Custom` included (the
//! documented runtime for wasm handlers); dependencies accept the 16 "Valores de enumeração"
//! (no `Custom`). Whatever the runtime says, the executor runs the wasm handler.

/// Runtimes a function may declare (seed §5.x "Opções", 17 values).
pub const FUNCTION_RUNTIMES: [&str; 17] = [
    "Python2.7",
    "Python3.6",
    "Python3.9",
    "Go1.8",
    "Go1.x",
    "Java8",
    "Java11",
    "Node.js6.10",
    "Node.js8.10",
    "Node.js10.16",
    "Node.js12.13",
    "Node.js14.18",
    "C#(.NET Core 2.0)",
    "C#(.NET Core 2.1)",
    "C#(.NET Core 3.1)",
    "Custom",
    "PHP7.3",
];

/// Runtimes a dependency may declare (seed §5.3.2, 16 values: no `Custom`).
pub const DEPENDENCY_RUNTIMES: [&str; 16] = [
    "Python2.7",
    "Python3.6",
    "Python3.9",
    "Go1.8",
    "Go1.x",
    "Java8",
    "Java11",
    "Node.js6.10",
    "Node.js8.10",
    "Node.js10.16",
    "Node.js12.13",
    "Node.js14.18",
    "C#(.NET Core 2.0)",
    "C#(.NET Core 2.1)",
    "C#(.NET Core 3.1)",
    "PHP7.3",
];

/// Whether `runtime` is a valid function runtime.
pub fn is_function_runtime(runtime: &str) -> bool {
    FUNCTION_RUNTIMES.contains(&runtime)
}

/// Whether `runtime` is a valid dependency runtime.
pub fn is_dependency_runtime(runtime: &str) -> bool {
    DEPENDENCY_RUNTIMES.contains(&runtime)
}
