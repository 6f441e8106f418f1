//! A registry value: exactly as stored ([`RawValue`]) and as read for display ([`RegValue`]).

/// REG_NONE.
const REG_NONE: u32 = 0;
/// REG_SZ.
const REG_SZ: u32 = 1;
/// REG_EXPAND_SZ.
const REG_EXPAND_SZ: u32 = 2;
/// REG_BINARY.
const REG_BINARY: u32 = 3;
/// REG_DWORD (little-endian).
const REG_DWORD: u32 = 4;
/// REG_MULTI_SZ.
const REG_MULTI_SZ: u32 = 7;
/// REG_QWORD.
const REG_QWORD: u32 = 11;

/// A value as the registry stores it: its type number and its bytes, nothing interpreted.
/// Backups and undo keep these, so restoring gives the same bytes and type back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// REG_SZ = 1, REG_EXPAND_SZ = 2, REG_BINARY = 3, REG_DWORD = 4, REG_MULTI_SZ = 7,
    /// REG_QWORD = 11; any other number is kept as it is.
    pub kind: u32,
    /// The data, as stored (strings are UTF-16LE with their terminating NUL).
    pub bytes: Vec<u8>,
}

impl RawValue {
    /// A REG_DWORD.
    pub fn dword(v: u32) -> Self {
        Self {
            kind: REG_DWORD,
            bytes: v.to_le_bytes().to_vec(),
        }
    }

    /// A REG_SZ with its terminating NUL, as Windows stores it.
    pub fn sz(s: &str) -> Self {
        Self {
            kind: REG_SZ,
            bytes: utf16z(s),
        }
    }

    /// REG_NONE with no data.
    pub fn none() -> Self {
        Self {
            kind: REG_NONE,
            bytes: Vec::new(),
        }
    }

    /// The display view: strings decoded, numbers read, anything else kept as bytes.
    pub fn decoded(&self) -> RegValue {
        let b = self.bytes.as_slice();
        match (self.kind, b) {
            (REG_SZ, _) => RegValue::Sz(utf16le_to_string(b)),
            (REG_EXPAND_SZ, _) => RegValue::ExpandSz(utf16le_to_string(b)),
            (REG_MULTI_SZ, _) => RegValue::MultiSz(multi_sz(b)),
            (REG_DWORD, [a, b2, c, d]) => RegValue::Dword(u32::from_le_bytes([*a, *b2, *c, *d])),
            (REG_QWORD, _) if b.len() == 8 => {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                RegValue::Qword(u64::from_le_bytes(a))
            }
            (REG_BINARY, _) => RegValue::Binary(b.to_vec()),
            (kind, _) => RegValue::Other {
                kind,
                bytes: b.to_vec(),
            },
        }
    }

    /// The value as a number: the rule of [`RegValue::as_u32`] (a DWORD, four or more binary
    /// bytes, or decimal text, as some installers write LoadBehavior).
    pub fn as_u32(&self) -> Option<u32> {
        self.decoded().as_u32()
    }

    /// REG_SZ or REG_EXPAND_SZ as text (UTF-16LE up to the first NUL); `None` for other types.
    pub fn as_text(&self) -> Option<String> {
        matches!(self.kind, REG_SZ | REG_EXPAND_SZ).then(|| utf16le_to_string(&self.bytes))
    }
}

/// A registry value decoded for reading: what the scan's rules look at and people see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// REG_SZ.
    Sz(String),
    /// REG_EXPAND_SZ, unexpanded.
    ExpandSz(String),
    /// REG_MULTI_SZ.
    MultiSz(Vec<String>),
    /// REG_DWORD.
    Dword(u32),
    /// REG_QWORD.
    Qword(u64),
    /// REG_BINARY.
    Binary(Vec<u8>),
    /// REG_NONE, any other type, or a DWORD/QWORD of the wrong length, with its raw bytes.
    Other {
        /// The registry type number.
        kind: u32,
        /// The data as stored.
        bytes: Vec<u8>,
    },
}

impl RegValue {
    /// The value as text where that makes sense: strings as they are, binary as UTF-16LE
    /// (Outlook stores account names that way) or as ANSI when it does not look like UTF-16.
    /// `Err` explains why it is not text.
    pub fn as_text(&self) -> Result<String, String> {
        match self {
            Self::Sz(s) | Self::ExpandSz(s) => Ok(s.trim_end_matches('\0').to_owned()),
            Self::MultiSz(v) => Ok(v.join("; ")),
            Self::Binary(b) | Self::Other { bytes: b, .. } => binary_as_text(b),
            Self::Dword(d) => Err(format!("a number ({d}) where text was expected")),
            Self::Qword(q) => Err(format!("a number ({q}) where text was expected")),
        }
    }

    /// The value as a DWORD: REG_DWORD, or 4+ binary bytes little-endian, or decimal text.
    pub fn as_u32(&self) -> Option<u32> {
        match self {
            Self::Dword(d) => Some(*d),
            Self::Qword(q) => u32::try_from(*q).ok(),
            Self::Binary(b) | Self::Other { bytes: b, .. } if b.len() >= 4 => {
                Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            Self::Sz(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

pub use platform::text::utf16le_to_string;

/// UTF-16LE with a terminating NUL.
pub(crate) fn utf16z(s: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.extend([0, 0]);
    bytes
}

fn multi_sz(bytes: &[u8]) -> Vec<String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    units
        .split(|&u| u == 0)
        .filter(|s| !s.is_empty())
        .map(String::from_utf16_lossy)
        .collect()
}

fn binary_as_text(b: &[u8]) -> Result<String, String> {
    if b.is_empty() {
        return Ok(String::new());
    }
    // UTF-16LE of mostly-ASCII text has a zero in every odd byte.
    let odd_zeros = b.iter().skip(1).step_by(2).filter(|&&x| x == 0).count();
    let pairs = b.len() / 2;
    if pairs > 0 && odd_zeros * 2 >= pairs {
        let text = utf16le_to_string(b);
        if text.chars().all(|c| !c.is_control()) {
            return Ok(text);
        }
    }
    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
    let ansi = &b[..end];
    if !ansi.is_empty() && ansi.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        return Ok(String::from_utf8_lossy(ansi).into_owned());
    }
    Err(format!(
        "{} bytes of binary data that are not text",
        b.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_text_is_decoded_as_utf16_or_refused() {
        let utf16: Vec<u8> = "a@b.com\0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(RegValue::Binary(utf16).as_text().as_deref(), Ok("a@b.com"));
        assert_eq!(
            RegValue::Binary(b"ansi\0".to_vec()).as_text().as_deref(),
            Ok("ansi")
        );
        assert!(RegValue::Binary(vec![0xff, 0x01, 0x02]).as_text().is_err());
        assert!(RegValue::Dword(3).as_text().is_err());
        // One odd trailing byte of truncated UTF-16 is dropped, not a panic.
        assert_eq!(utf16le_to_string(&[b'h', 0, b'i']), "h");
    }

    #[test]
    fn the_display_view_reads_every_type() {
        assert_eq!(RawValue::sz("x").decoded(), RegValue::Sz("x".into()));
        assert_eq!(RawValue::dword(3).decoded(), RegValue::Dword(3));
        let dword_too_short = RawValue {
            kind: 4,
            bytes: vec![1, 2],
        };
        assert_eq!(
            dword_too_short.decoded(),
            RegValue::Other {
                kind: 4,
                bytes: vec![1, 2]
            }
        );
        let multi = RawValue {
            kind: 7,
            bytes: utf16z("a\0b\0"),
        };
        assert_eq!(
            multi.decoded(),
            RegValue::MultiSz(vec!["a".into(), "b".into()])
        );
        assert_eq!(RawValue::sz(" 3 ").as_u32(), Some(3));
        assert_eq!(RawValue::dword(2).as_text(), None);
    }
}
