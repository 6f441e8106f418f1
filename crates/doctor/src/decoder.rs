//! The error decoder: the user pastes the message they saw, the app names the limit that
//! was most likely hit, the usual cause and the first steps.
//!
//! "Exceeded the maximum number of allowed sessions" is a label for several server limits
//! (field guide, section 1). Matching is on stable tokens (event ids, error names, numbers
//! in the text) and on the wording in English and Spanish, case- and accent-insensitive.

use serde::Serialize;

use crate::error::{AppError, ErrorCode};
pub use crate::limits::MAX_ERROR_TEXT_BYTES;
use crate::service_limits::{Service, ServiceLimits};

/// The server-side limits behind the error, from the field guide's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// Exchange store: 32 MAPI sessions per user (event 9646, "32 objects of type session").
    MapiSessionsPerUser,
    /// Exchange 2010+: 16 service sessions per user (IMAP, POP, OWA, EAS, EWS).
    ServiceSessionsPerUser,
    /// On-premises throttling policy RCAMaxConcurrency (40).
    RpcClientAccessConcurrency,
    /// EWS concurrency (10 on Exchange 2010, 27 on 2013+ and Online): ErrorExceededConnectionCount.
    EwsConcurrency,
    /// Exchange Online IMAP: 20 concurrent connections.
    ImapConnections,
    /// ActiveSync / Outlook mobile: 100 device partnerships per mailbox.
    MobileDevicePartnerships,
    /// Exchange Online PowerShell: 3 sessions per admin.
    ExchangePowerShellSessions,
    /// Simple MAPI's MAPI_E_TOO_MANY_SESSIONS (code 8): a "send via Outlook" program.
    SimpleMapiSessions,
    /// Exchange Online's unpublished authentication concurrency limit (ClientBackoff).
    AuthenticationConcurrency,
    /// The generic Outlook message: most often the MAPI or service session limit.
    AllowedSessions,
}

/// What the decoder concluded from a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DecodedError {
    pub limit: Limit,
    /// The number for the limit at the service the message comes from (documented, or
    /// reported where Microsoft documents none: `data/limits.json` says which), when known.
    pub limit_number: Option<u32>,
    /// Plain words: which limit, and what usually causes it.
    pub explanation: String,
    /// Step ids of the repair plan to start with, in order (see `plan`).
    pub first_steps: Vec<String>,
    /// The part of the message that decided it, to show the user why.
    pub matched: String,
}

struct Rule {
    limit: Limit,
    /// The service such a message comes from: its number is looked up in the limits data
    /// (`data/limits.json`), never written here. `None`: no number applies.
    service: Option<Service>,
    /// Any of these (already folded: lowercase, no accents) decides the rule.
    needles: &'static [&'static str],
    explanation: &'static str,
    first_steps: &'static [&'static str],
}

/// Most specific first: an event text that names "16 objects" must not fall through to the
/// generic "maximum number of allowed sessions" rule.
const RULES: &[Rule] = &[
    Rule {
        limit: Limit::ServiceSessionsPerUser,
        service: Some(Service::ExchangeOnPremises),
        needles: &[
            "maximum of 16 objects",
            "16 objects of type session",
            "maximo de 16 objetos",
        ],
        explanation: "On-premises Exchange allows 16 service sessions per user (Outlook on the web, phones, IMAP, POP, EWS); Microsoft publishes no such number for Exchange Online. Usually many web tabs, phones or other mail apps.",
        first_steps: &[
            "sign_out_web",
            "close_other_devices",
            "phone_app_background",
        ],
    },
    Rule {
        limit: Limit::MapiSessionsPerUser,
        service: Some(Service::ExchangeOnPremises),
        needles: &[
            "9646",
            "maximum of 32 objects",
            "32 objects of type session",
            "maximo de 32 objetos",
        ],
        explanation: "On-premises Exchange allows 32 MAPI sessions per user (event 9646); Microsoft does not publish the number for Exchange Online. Usually Outlook open on several computers, duplicate profiles, shared mailboxes or programs that use Outlook's MAPI.",
        first_steps: &[
            "close_other_devices",
            "restart_outlook_here",
            "duplicate_profiles",
        ],
    },
    Rule {
        limit: Limit::EwsConcurrency,
        service: Some(Service::ExchangeOnline),
        needles: &["errorexceededconnectioncount", "exceeded connection count"],
        explanation: "Exchange Web Services allows 27 concurrent connections (10 on Exchange 2010). Usually add-ins, Teams, Mac Outlook or other apps that use EWS.",
        first_steps: &["addins_safe_mode", "close_other_devices"],
    },
    Rule {
        limit: Limit::SimpleMapiSessions,
        service: None,
        needles: &["mapi_e_too_many_sessions"],
        explanation: "A program that sends mail through Outlook (a scanner, an ERP or CRM connector) opened too many Simple MAPI sessions.",
        first_steps: &["restart_outlook_here", "addins_safe_mode"],
    },
    Rule {
        limit: Limit::AuthenticationConcurrency,
        service: None,
        needles: &[
            "authentication concurrency limit",
            "limite de simultaneidad de autenticacion",
            "clientbackoff",
        ],
        explanation: "Exchange Online is holding back new sign-ins because too many are already in flight. Classic Outlook may not open while Outlook on the web works.",
        first_steps: &[
            "owa_triage",
            "close_other_devices",
            "sign_out_everywhere",
            "restart_outlook_here",
        ],
    },
    Rule {
        limit: Limit::RpcClientAccessConcurrency,
        service: Some(Service::ExchangeOnPremises),
        needles: &["rcamaxconcurrency"],
        explanation: "The on-premises throttling policy allows 40 concurrent RPC connections per user (RCAMaxConcurrency). An administrator can raise it.",
        first_steps: &["close_other_devices", "it_help_desk"],
    },
    Rule {
        limit: Limit::ImapConnections,
        service: Some(Service::ExchangeOnline),
        needles: &[
            "imap",
            "too many simultaneous connections",
            "too many connections",
        ],
        explanation: "Exchange Online is reported to allow about 20 concurrent IMAP connections (Microsoft does not document the number). Usually several mail apps (Thunderbird, phones, eM Client) on the same account.",
        first_steps: &["other_mail_apps", "phone_app_background"],
    },
    Rule {
        limit: Limit::MobileDevicePartnerships,
        service: Some(Service::ExchangeOnline),
        needles: &[
            "partnership",
            "maximum number of devices",
            "too many devices",
            "numero maximo de dispositivos",
        ],
        explanation: "A mailbox may have 100 mobile device partnerships. Old phones must be removed (Outlook on the web, Settings, Mobile devices).",
        first_steps: &["review_sessions", "phone_app_background"],
    },
    Rule {
        limit: Limit::ExchangePowerShellSessions,
        service: Some(Service::ExchangeOnline),
        needles: &["powershell", "runspace"],
        explanation: "Exchange Online PowerShell is reported to allow 3 sessions per administrator; close the others with Disconnect-ExchangeOnline.",
        first_steps: &["it_help_desk"],
    },
    Rule {
        limit: Limit::AllowedSessions,
        service: None,
        needles: &[
            "maximum number of allowed sessions",
            "too many active sessions",
            "too many sessions",
            "numero maximo de sesiones",
            "demasiadas sesiones",
        ],
        explanation: "Too many open connections to this mailbox: Outlook on other computers, Outlook on the web tabs, the phone app, duplicate profiles or add-ins. Most often the MAPI or the service session limit (32 and 16 per user on on-premises Exchange; Microsoft publishes neither number for Exchange Online).",
        first_steps: &[
            "close_other_devices",
            "sign_out_web",
            "sign_out_everywhere",
            "review_sessions",
            "restart_outlook_here",
        ],
    },
];

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the message is empty")]
    Empty,
    #[error("the message does not look like a session-limit error")]
    NotRecognised,
    #[error("the message is {bytes} bytes; at most {max} are read")]
    TooLong { bytes: usize, max: usize },
}

/// Decodes a pasted error message; refused past [`MAX_ERROR_TEXT_BYTES`].
pub fn decode(message: &str) -> Result<DecodedError, DecodeError> {
    if message.len() > MAX_ERROR_TEXT_BYTES {
        return Err(DecodeError::TooLong {
            bytes: message.len(),
            max: MAX_ERROR_TEXT_BYTES,
        });
    }
    let folded = fold(message);
    if folded.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    for rule in RULES {
        if let Some(needle) = rule.needles.iter().find(|n| folded.contains(*n)) {
            return Ok(DecodedError {
                limit: rule.limit,
                limit_number: rule
                    .service
                    .and_then(|s| ServiceLimits::shipped().known_number(rule.limit, s)),
                explanation: rule.explanation.to_owned(),
                first_steps: rule.first_steps.iter().map(|s| (*s).to_owned()).collect(),
                matched: (*needle).to_owned(),
            });
        }
    }
    Err(DecodeError::NotRecognised)
}

/// [`decode`] with its errors in the user's words.
pub fn decode_for_user(message: &str) -> Result<DecodedError, AppError> {
    decode(message).map_err(|e| match e {
        DecodeError::Empty => AppError::new(
            ErrorCode::InvalidInput,
            "Paste the message Outlook showed first.",
            "Copy the whole error text, or type the words you remember.",
        ),
        DecodeError::NotRecognised => AppError::new(
            ErrorCode::InvalidInput,
            "This message does not look like a session-limit error.",
            "Paste the exact text, or start the scan: it finds the usual causes anyway.",
        ),
        DecodeError::TooLong { bytes, max } => AppError::new(
            ErrorCode::InputTooLarge,
            format!(
                "The pasted text is {} KB; the decoder reads at most {} KB.",
                bytes.div_ceil(1024),
                max / 1024
            ),
            "Paste only the error message Outlook showed, not a whole log.",
        ),
    })
}

/// Lowercase, Spanish accents removed, runs of white space as one space: Outlook's Spanish
/// text may arrive with or without accents, and pasted text wraps anywhere.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = match c {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            'ñ' | 'Ñ' => 'n',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.extend(c.to_lowercase());
            last_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(msg: &str) -> Limit {
        decode(msg).unwrap_or_else(|e| panic!("{msg:?}: {e}")).limit
    }

    #[test]
    fn outlook_english_and_spanish_wording() {
        assert_eq!(
            limit("Outlook has exceeded the maximum number of allowed sessions."),
            Limit::AllowedSessions
        );
        assert_eq!(
            limit("Outlook ha superado el número máximo de sesiones permitidas."),
            Limit::AllowedSessions
        );
        // Without accents and wrapped over lines, as pasted from a mail.
        assert_eq!(
            limit("Outlook ha superado el numero\n  maximo de sesiones permitidas"),
            Limit::AllowedSessions
        );
        assert_eq!(
            limit("There are too many active sessions"),
            Limit::AllowedSessions
        );
    }

    #[test]
    fn event_9646_with_32_and_16_objects() {
        let mapi = "Event ID 9646: Mapi session /o=Contoso/cn=jane exceeded the maximum of 32 objects of type \"session\".";
        let d = decode(mapi).expect("decoded");
        assert_eq!(d.limit, Limit::MapiSessionsPerUser);
        assert_eq!(d.limit_number, Some(32));
        let service = "Event 9646: exceeded the maximum of 16 objects of type \"session\"";
        assert_eq!(limit(service), Limit::ServiceSessionsPerUser);
    }

    #[test]
    fn named_errors() {
        assert_eq!(
            limit("The request failed. ErrorExceededConnectionCount"),
            Limit::EwsConcurrency
        );
        assert_eq!(
            limit("MAPISendMail returned MAPI_E_TOO_MANY_SESSIONS"),
            Limit::SimpleMapiSessions
        );
        assert_eq!(
            limit("The authentication concurrency limit is reached"),
            Limit::AuthenticationConcurrency
        );
    }

    #[test]
    fn every_rule_names_known_plan_steps() {
        for rule in RULES {
            assert!(!rule.first_steps.is_empty());
            for step in rule.first_steps {
                assert!(
                    crate::plan::step_exists(step),
                    "{:?} names unknown step {step}",
                    rule.limit
                );
            }
        }
    }

    #[test]
    fn empty_unknown_and_huge_input() {
        assert_eq!(decode("  \n "), Err(DecodeError::Empty));
        assert_eq!(
            decode("Your password expires soon"),
            Err(DecodeError::NotRecognised)
        );
        let huge = "é".repeat(100_000) + " maximum number of allowed sessions";
        // Past the limit: refused as a whole (not cut and read in part), with a code.
        assert_eq!(
            decode(&huge),
            Err(DecodeError::TooLong {
                bytes: huge.len(),
                max: MAX_ERROR_TEXT_BYTES
            })
        );
        let e = decode_for_user(&huge).expect_err("too long");
        assert_eq!(e.code, ErrorCode::InputTooLarge);
        assert!(e.message.contains("64 KB"), "{}", e.message);
        assert!(e.hint.contains("not a whole log"), "{}", e.hint);
        // At the limit it is still read.
        let mut at_limit = "maximum number of allowed sessions".to_owned();
        at_limit.push_str(&" ".repeat(MAX_ERROR_TEXT_BYTES - at_limit.len()));
        assert!(decode(&at_limit).is_ok());
    }
}
