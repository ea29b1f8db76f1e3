//! Random strings from the operating system's RNG.

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters from [A-Za-z0-9], uniformly (rejection sampling, no modulo bias).
pub fn alphanumeric(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut buffer = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buffer).expect("the operating system's RNG is available");
        for &byte in &buffer {
            // 248 = 4 × 62: bytes above it would favour the first letters.
            if byte < 248 && out.len() < len {
                out.push(ALPHANUMERIC[usize::from(byte) % ALPHANUMERIC.len()] as char);
            }
        }
    }
    out
}

/// `bytes` random bytes as lowercase hex (so `bytes * 8` bits of entropy).
pub fn hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).expect("the operating system's RNG is available");
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_uniqueness() {
        let a = alphanumeric(40);
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(alphanumeric(22), alphanumeric(22));
        let h = hex(32);
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
