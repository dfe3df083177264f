//! Code packages: Base64 ZIP, wasm module or inline source; unpacking, the SHA-512 digest, and the handler file lookup (DECISIONS "Code").

/// A function's code as stored: the decoded bytes and the files unpacked from them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodePackage {
    /// The decoded code bytes as uploaded.
    pub bytes: Vec<u8>,
    /// SHA-512 of `bytes`, lower-case hex.
    pub digest: String,
}
