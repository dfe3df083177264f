//! Code packages: Base64 ZIP, wasm module or inline source; unpacking, the SHA-512 digest,
//! and the handler file lookup (DECISIONS "Code").

use sha2::{Digest, Sha512};

/// A function's code as stored: the decoded bytes and their digest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CodePackage {
    /// The decoded code bytes as uploaded.
    pub bytes: Vec<u8>,
    /// SHA-512 of `bytes`, lower-case hex.
    pub digest: String,
}

impl CodePackage {
    /// A package holding `bytes`, with its digest computed.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        let digest = hex::encode(Sha512::digest(&bytes));
        CodePackage { bytes, digest }
    }
}
