//! Snapshots: the whole engine state as compact bytes.
//!
//! Layout (little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `ATSOURCE` |
//! | 2 | format version ([`FORMAT_VERSION`]) |
//! | 2 | reserved, 0 |
//! | 8 | payload length |
//! | 8 | checksum: XXH3-64 of the payload |
//! | n | payload: postcard encoding of the state (varint integers, column-wise positions) |
//!
//! Format 2 stores each SKU's positions as columns in one byte string and remembered event ids
//! as 16-byte blocks; format 1 (earlier builds) is refused with `snapshot_version`.
//!
//! Decoding checks magic, version, length and checksum before it reads a byte of payload, then
//! builds a complete new state: a bad snapshot is refused whole, never half-loaded. A checksum
//! proves only that the bytes are the ones written, so the state is checked too: what the API
//! would refuse (a location `upsertLocations` rejects) or no sequence of events could leave
//! (negative reserved or picking units or safety stock, expected supply out of day order or of
//! no units) is `snapshot_corrupt`.

use thiserror::Error;

/// First bytes of every snapshot.
pub const MAGIC: &[u8; 8] = b"ATSOURCE";
/// Version of the payload layout written by this build.
pub const FORMAT_VERSION: u16 = 2;
/// Header size in bytes.
pub const HEADER_LEN: usize = 28;

/// Why a snapshot was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SnapshotError {
    /// Too short to hold its header or its announced payload.
    #[error("snapshot is truncated: {0}")]
    Truncated(String),
    /// Not an atsource snapshot.
    #[error("not an atsource snapshot (bad magic bytes)")]
    Foreign,
    /// Written by a newer, unknown format.
    #[error(
        "snapshot format version {0} is not supported (this build reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u16),
    /// Checksum mismatch or undecodable payload.
    #[error("snapshot is corrupt: {0}")]
    Corrupt(String),
}

impl SnapshotError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SnapshotError::Truncated(_) => "snapshot_truncated",
            SnapshotError::Foreign => "snapshot_foreign",
            SnapshotError::UnsupportedVersion(_) => "snapshot_version",
            SnapshotError::Corrupt(_) => "snapshot_corrupt",
        }
    }
}

/// The payload's checksum: XXH3-64, several times faster than a table CRC-32 in wasm.
///
/// Hashed in chunks through an out-of-line call (the same digest as one call over the whole
/// payload): V8 runs a wasm function's first calls in its baseline compiler's code and switches
/// to optimised code only at a later call, so a single call over megabytes would run slowly to
/// the end in a fresh process.
fn checksum(payload: &[u8]) -> u64 {
    #[inline(never)]
    fn feed(h: &mut xxhash_rust::xxh3::Xxh3, chunk: &[u8]) {
        h.update(chunk);
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in payload.chunks(1 << 16) {
        feed(&mut h, chunk);
    }
    h.digest()
}

/// Frames `payload` with the header.
pub fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn le<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    if let Some(s) = bytes.get(at..at + N) {
        a.copy_from_slice(s);
    }
    a
}

/// Checks the header and checksum; returns the payload.
pub fn open(bytes: &[u8]) -> Result<&[u8], SnapshotError> {
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if MAGIC.starts_with(bytes) && !bytes.is_empty() {
            SnapshotError::Truncated(format!("{} bytes", bytes.len()))
        } else {
            SnapshotError::Foreign
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(SnapshotError::Truncated(format!(
            "header needs {HEADER_LEN} bytes, got {}",
            bytes.len()
        )));
    }
    let version = u16::from_le_bytes(le(bytes, 8));
    if version != FORMAT_VERSION {
        return Err(SnapshotError::UnsupportedVersion(version));
    }
    if u16::from_le_bytes(le(bytes, 10)) != 0 {
        return Err(SnapshotError::Corrupt("unknown header flags".into()));
    }
    let len = u64::from_le_bytes(le(bytes, 12));
    let sum = u64::from_le_bytes(le(bytes, 20));
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(SnapshotError::Truncated(format!(
            "payload needs {len} bytes, got {}",
            payload.len()
        )));
    }
    if payload.len() as u64 > len {
        return Err(SnapshotError::Corrupt(format!(
            "{} bytes after the payload",
            payload.len() as u64 - len
        )));
    }
    if checksum(payload) != sum {
        return Err(SnapshotError::Corrupt("checksum mismatch".into()));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_errors_are_precise() {
        let sealed = seal(b"hello");
        assert_eq!(open(&sealed).unwrap(), b"hello");
        assert_eq!(open(b"").unwrap_err(), SnapshotError::Foreign);
        assert_eq!(open(b"PK\x03\x04 zip").unwrap_err(), SnapshotError::Foreign);
        assert_eq!(open(&sealed[..5]).unwrap_err().code(), "snapshot_truncated");
        assert_eq!(
            open(&sealed[..sealed.len() - 1]).unwrap_err().code(),
            "snapshot_truncated"
        );
        let mut flipped = sealed.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(open(&flipped).unwrap_err().code(), "snapshot_corrupt");
        let mut newer = sealed;
        newer[8] = 9;
        assert_eq!(
            open(&newer).unwrap_err(),
            SnapshotError::UnsupportedVersion(9)
        );
    }
}
