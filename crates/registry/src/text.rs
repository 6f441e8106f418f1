//! Bytes of a `.reg` file to text: the one place that sniffs its encoding.

/// Decodes the file: UTF-16LE (BOM, or zero high bytes), UTF-8 (BOM or valid), else
/// Windows-1252-ish Latin-1 for REGEDIT4 ANSI files (every byte kept). Returns a note when
/// bytes were lost, which a strict reader turns into a refusal.
pub(crate) fn decode(bytes: &[u8]) -> (String, Option<String>) {
    let utf16_body = if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(body)
    } else if bytes.len() >= 4 && bytes[1] == 0 && bytes[3] == 0 && bytes[0] != 0 {
        Some(bytes)
    } else {
        None
    };
    if let Some(body) = utf16_body {
        let mut note = None;
        if body.len() % 2 == 1 {
            note = Some("UTF-16 text ends in half a character (truncated file?)".to_owned());
        }
        let units = body
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let mut bad = 0usize;
        let text: String = char::decode_utf16(units)
            .map(|r| {
                r.unwrap_or_else(|_| {
                    bad += 1;
                    char::REPLACEMENT_CHARACTER
                })
            })
            .collect();
        if bad > 0 {
            let msg = format!("{bad} invalid UTF-16 code units replaced");
            note = Some(match note {
                Some(n) => format!("{n}; {msg}"),
                None => msg,
            });
        }
        return (text, note);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => (latin1(body), None),
    }
}

/// Every byte as the character of the same number (Latin-1).
pub(crate) fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// At most `max` characters of `s`, for messages.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
