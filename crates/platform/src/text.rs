//! Text the OS hands over as UTF-16LE (registry strings, Windows tools' output): one decoder.

/// Decodes UTF-16LE bytes up to the first NUL, dropping one trailing odd byte.
pub fn utf16le_to_string(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}
