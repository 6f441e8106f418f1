//! The error decoder: the user pastes the message they saw, the app names the limit that
//! was most likely hit, the usual cause and the first steps.
//!
//! "Exceeded the maximum number of allowed sessions" is a label for several server limits
//! (field guide, section 1). Matching is on stable tokens (event ids, error names, numbers
//! in the text) and on the wording in English and Spanish, case- and accent-insensitive.

use serde::Serialize;
use words::{Lang, Words};

pub use crate::Limit;
use crate::plan::StepId;
use crate::service_limits::{Service, ServiceLimits};

/// The longest error text the decoder accepts (pasted from Outlook's dialog: a few hundred
/// bytes; a whole pasted log is not a message). Past it the text is refused as a whole,
/// never cut and read in part.
pub const MAX_ERROR_TEXT_BYTES: usize = 64 * 1024;

/// What the decoder concluded from a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct DecodedError {
    /// The limit behind the message.
    pub limit: Limit,
    /// The number for the limit at the service the message comes from (documented, or
    /// reported where Microsoft documents none: `data/limits.json` says which), when known.
    pub limit_number: Option<u32>,
    /// Plain words: which limit, and what usually causes it.
    pub explanation: String,
    /// Step ids of the repair plan to start with, in order (see `plan`).
    pub first_steps: Vec<StepId>,
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
    /// The catalog key of the explanation.
    explanation: &'static str,
    first_steps: &'static [StepId],
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
        explanation: "decoder.explain.service_sessions_per_user",
        first_steps: &[
            StepId::SignOutWeb,
            StepId::CloseOtherDevices,
            StepId::PhoneAppBackground,
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
        explanation: "decoder.explain.mapi_sessions_per_user",
        first_steps: &[
            StepId::CloseOtherDevices,
            StepId::RestartOutlookHere,
            StepId::DuplicateProfiles,
        ],
    },
    Rule {
        limit: Limit::EwsConcurrency,
        service: Some(Service::ExchangeOnline),
        needles: &["errorexceededconnectioncount", "exceeded connection count"],
        explanation: "decoder.explain.ews_concurrency",
        first_steps: &[StepId::AddinsSafeMode, StepId::CloseOtherDevices],
    },
    Rule {
        limit: Limit::SimpleMapiSessions,
        service: None,
        needles: &["mapi_e_too_many_sessions"],
        explanation: "decoder.explain.simple_mapi_sessions",
        first_steps: &[StepId::RestartOutlookHere, StepId::AddinsSafeMode],
    },
    Rule {
        limit: Limit::AuthenticationConcurrency,
        service: None,
        needles: &[
            "authentication concurrency limit",
            "limite de simultaneidad de autenticacion",
            "clientbackoff",
        ],
        explanation: "decoder.explain.authentication_concurrency",
        first_steps: &[
            StepId::OwaTriage,
            StepId::CloseOtherDevices,
            StepId::SignOutEverywhere,
            StepId::RestartOutlookHere,
        ],
    },
    Rule {
        limit: Limit::RpcClientAccessConcurrency,
        service: Some(Service::ExchangeOnPremises),
        needles: &["rcamaxconcurrency"],
        explanation: "decoder.explain.rpc_client_access_concurrency",
        first_steps: &[StepId::CloseOtherDevices, StepId::ItHelpDesk],
    },
    Rule {
        limit: Limit::ImapConnections,
        service: Some(Service::ExchangeOnline),
        needles: &[
            "imap",
            "too many simultaneous connections",
            "too many connections",
        ],
        explanation: "decoder.explain.imap_connections",
        first_steps: &[StepId::OtherMailApps, StepId::PhoneAppBackground],
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
        explanation: "decoder.explain.mobile_device_partnerships",
        first_steps: &[StepId::ReviewSessions, StepId::PhoneAppBackground],
    },
    Rule {
        limit: Limit::ExchangePowerShellSessions,
        service: Some(Service::ExchangeOnline),
        needles: &["powershell", "runspace"],
        explanation: "decoder.explain.exchange_power_shell_sessions",
        first_steps: &[StepId::ItHelpDesk],
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
        explanation: "decoder.explain.allowed_sessions",
        first_steps: &[
            StepId::CloseOtherDevices,
            StepId::SignOutWeb,
            StepId::SignOutEverywhere,
            StepId::ReviewSessions,
            StepId::RestartOutlookHere,
        ],
    },
];

/// Why a message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing was pasted.
    #[error("the message is empty")]
    Empty,
    /// No rule matched the text.
    #[error("the message does not look like a session-limit error")]
    NotRecognised,
    /// The text is past the size limit.
    #[error("the message is {bytes} bytes; at most {max} are read")]
    TooLong {
        /// Its size.
        bytes: usize,
        /// The most read.
        max: usize,
    },
}

/// Decodes a pasted error message; refused past [`MAX_ERROR_TEXT_BYTES`]. The explanation
/// is in `lang`.
pub fn decode(message: &str, lang: Lang) -> Result<DecodedError, DecodeError> {
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
                explanation: Words::of(lang).t(rule.explanation, &[]),
                first_steps: rule.first_steps.to_vec(),
                matched: (*needle).to_owned(),
            });
        }
    }
    Err(DecodeError::NotRecognised)
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
        decode(msg, Lang::En)
            .unwrap_or_else(|e| panic!("{msg:?}: {e}"))
            .limit
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
        let d = decode(mapi, Lang::En).expect("decoded");
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
                    crate::plan::step_exists(*step),
                    "{:?} names unknown step {step}",
                    rule.limit
                );
            }
        }
    }

    #[test]
    fn empty_unknown_and_huge_input() {
        assert_eq!(decode("  \n ", Lang::En), Err(DecodeError::Empty));
        assert_eq!(
            decode("Your password expires soon", Lang::En),
            Err(DecodeError::NotRecognised)
        );
        let huge = "é".repeat(100_000) + " maximum number of allowed sessions";
        // Past the limit: refused as a whole (not cut and read in part), with a code.
        assert_eq!(
            decode(&huge, Lang::En),
            Err(DecodeError::TooLong {
                bytes: huge.len(),
                max: MAX_ERROR_TEXT_BYTES
            })
        );
        // At the limit it is still read.
        let mut at_limit = "maximum number of allowed sessions".to_owned();
        at_limit.push_str(&" ".repeat(MAX_ERROR_TEXT_BYTES - at_limit.len()));
        assert!(decode(&at_limit, Lang::En).is_ok());
    }

    #[test]
    fn explanations_and_errors_follow_the_language() {
        let es = decode("evento 9646: maximo de 32 objetos", Lang::Es).expect("decoded");
        assert!(
            es.explanation.contains("32 sesiones MAPI por usuario"),
            "{}",
            es.explanation
        );
        let en = decode("evento 9646: maximo de 32 objetos", Lang::En).expect("decoded");
        assert!(
            en.explanation.contains("32 MAPI sessions per user"),
            "{}",
            en.explanation
        );
    }
}
