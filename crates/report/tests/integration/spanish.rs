//! A report for a Spanish reader: every sentence the report itself writes comes from the
//! Spanish catalog (the values doctor hands over are already Spanish), with no English
//! sentence of the catalog left, and the page says it is Spanish.

use report::{
    FindingLine, LimitLine, MeasureLine, RepairLine, ReportInput, StepLine, UserAnswers,
    build_report, ticket_summary, to_html, to_json,
};
use words::{Lang, english_left};

use crate::common::*;

/// The realistic case of [`input`] as doctor builds it for a Spanish session: findings,
/// steps, the limit's reason, the repairs and the measures in Spanish, the pasted error as
/// the user's Outlook showed it.
fn spanish_input() -> ReportInput {
    let mut i = input();
    i.lang = Lang::Es;
    i.error_message = Some(format!(
        "Outlook: {UPN} ha superado el número máximo de sesiones permitidas (desde 203.0.113.7)"
    ));
    i.findings = vec![
        FindingLine {
            code: report::FindingCode::OutlookRunningMultiple,
            severity: report::Severity::High,
            title: "Outlook está abierto 2 veces en MEGAN-DESKTOP".into(),
            evidence: (0..25)
                .map(|n| format!("OUTLOOK.EXE (proceso {}) como CONTOSO\\megan", 4000 + n))
                .collect(),
            step: Some(report::StepId::RestartOutlookHere),
            step_title: Some("Reiniciar Outlook en este equipo".into()),
            advice: vec!["Cierre todas las ventanas de Outlook y ábralo una sola vez.".into()],
        },
        FindingLine {
            code: report::FindingCode::DuplicateProfiles,
            severity: report::Severity::Medium,
            title: "2 perfiles de Outlook tienen MEGAN.BOWEN@CONTOSO.EXAMPLE".into(),
            evidence: vec!["perfil «Megan Bowen»".into(), "perfil «Outlook»".into()],
            step: Some(report::StepId::DuplicateProfiles),
            step_title: Some("Quitar el perfil duplicado".into()),
            advice: Vec::new(),
        },
        FindingLine {
            code: report::FindingCode::SharedMailboxes,
            severity: report::Severity::Low,
            title: "1 buzón adicional o compartido abierto en 1 perfil de Outlook".into(),
            evidence: vec!["lee.gu@contoso.example se descarga".into()],
            step: None,
            step_title: None,
            advice: Vec::new(),
        },
    ];
    i.limit = Some(LimitLine {
        name: report::Limit::MapiSessionsPerUser,
        number: 32,
        counted: 35,
        reason: "Outlook clásico abierto 2 veces y 2 perfiles para megan.bowen@contoso.example"
            .into(),
    });
    i.steps = [
        report::StepStatus::Done,
        report::StepStatus::Skipped,
        report::StepStatus::Pending,
    ]
    .into_iter()
    .zip([
        report::Track::Work,
        report::Track::Personal,
        report::Track::Admin,
    ])
    .enumerate()
    .map(|(n, (status, track))| StepLine {
        id: [
            report::StepId::OwaTriage,
            report::StepId::CloseOtherDevices,
            report::StepId::SignOutWeb,
        ][n],
        title: format!("Paso {n} de la guía"),
        track,
        status,
    })
    .collect();
    i.repairs = vec![
        RepairLine {
            when: "2025-01-31T08:50:00Z".into(),
            what: "Quitar el perfil duplicado «Outlook»".into(),
            result: "aplicada".into(),
            undone: true,
        },
        RepairLine {
            when: "2025-01-31T08:55:00Z".into(),
            what: "Reiniciar Outlook".into(),
            result: "aplicada".into(),
            undone: false,
        },
    ];
    i.before_after = vec![
        MeasureLine {
            label: "Ventanas de Outlook".into(),
            before: 2,
            now: 1,
        },
        MeasureLine {
            label: "Conexiones con Microsoft 365".into(),
            before: 18,
            now: 9,
        },
    ];
    i.answers = UserAnswers {
        web_works: Some(true),
        connections_counted: Some(7),
    };
    if let Some(cloud) = i.cloud.as_mut() {
        for note in &mut cloud.notes {
            note.message = "Graph rechazó el cierre de sesión de este usuario.".into();
            if let Some(m) = note.manual.as_mut() {
                m.title = format!("Revocar las sesiones de {UPN}");
            }
        }
    }
    if let Some(scan) = i.scan.as_mut() {
        for source in &mut scan.sources {
            if let Some(r) = source.reason.as_mut() {
                *r = "acceso denegado".into();
            }
        }
    }
    i
}

fn renderings(i: &ReportInput) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for include in [false, true] {
        let r = build_report(i, include);
        out.push((format!("html, personal data {include}"), to_html(&r)));
        out.push((
            format!("ticket, personal data {include}"),
            ticket_summary(&r),
        ));
    }
    out
}

fn assert_spanish(i: &ReportInput) {
    for (what, text) in renderings(i) {
        assert_eq!(
            english_left(&text, Lang::Es),
            Vec::<String>::new(),
            "{what}:\n{text}"
        );
    }
}

#[test]
fn a_spanish_report_has_no_english_sentence_of_the_catalog() {
    let i = spanish_input();
    assert_spanish(&i);
    let r = build_report(&i, false);
    let html = to_html(&r);
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    for words in [
        "<h2>Resumen</h2>",
        "<h2>Hallazgos</h2>",
        "<h2>Antes y ahora</h2>",
        "<h2>Para TI: comandos de administrador</h2>",
        "<span class=\"badge\">alta</span>",
        "Lo resuelve el paso: Reiniciar Outlook en este equipo",
        "y 5 más",
        "Sesiones MAPI por usuario (almacén de Exchange)",
        "35 de 32: conexiones desde este equipo frente al límite documentado",
        "(respuesta del usuario)",
        "<td>omitido</td>",
        "Cerrar la sesión del usuario en todas partes",
        "Revoke-MgUserSignInSession -UserId",
    ] {
        assert!(html.contains(words), "{words} missing:\n{html}");
    }
    let ticket = ticket_summary(&r);
    for words in [
        "Informe de Session Doctor, 2025-01-31T09:00:00Z (datos personales sustituidos por alias)",
        "Estado de la conexión (respuesta del usuario): 7 conexiones contadas por el usuario",
        "Límite probable: Sesiones MAPI por usuario",
        "Hallazgos (3; de gravedad alta: 1):",
        "- [alta] Outlook está abierto 2 veces en",
        "Pasos hechos: 1 de 3 (Paso 0 de la guía)",
        "Reparaciones hechas: 2, deshechas: 1; la última: Reiniciar Outlook (aplicada)",
        "Antes -> ahora: Ventanas de Outlook 2 -> 1",
        "Para TI: Get-MgServiceAnnouncementIssue",
        "informe completo adjunto (HTML o JSON).",
    ] {
        assert!(ticket.contains(words), "{words} missing:\n{ticket}");
    }
    assert!(
        r.summary
            .headline
            .starts_with("3 hallazgos, 1 de gravedad alta; límite probable: "),
        "{}",
        r.summary.headline
    );
    // The JSON keeps its schema and codes: no language field, the severity as its code.
    let json = to_json(&r).expect("json");
    assert!(!json.contains("\"lang\""), "{json}");
    assert!(json.contains("\"severity\":\"high\"") || json.contains("\"severity\": \"high\""));
}

#[test]
fn the_other_cases_are_spanish_too() {
    // Nothing found, no limit, no error pasted, nothing measured.
    let mut bare = spanish_input();
    bare.findings.clear();
    bare.limit = None;
    bare.steps.clear();
    bare.repairs.clear();
    bare.before_after.clear();
    bare.error_message = None;
    bare.os = None;
    bare.scan = None;
    bare.answers = UserAnswers {
        web_works: Some(false),
        connections_counted: Some(1),
    };
    assert_spanish(&bare);
    let r = build_report(&bare, true);
    assert_eq!(
        r.summary.error,
        "Outlook: \"se ha superado el número máximo de sesiones permitidas\""
    );
    assert_eq!(r.environment.os, "desconocido");
    let html = to_html(&r);
    assert!(html.contains("No se ha visto ningún Outlook abierto ni configurado."));
    assert!(html.contains("Ningún hallazgo."));
    assert!(html.contains("1 conexión contada por el usuario"));

    // A personal account: no admin, and the note says so in Spanish; long lists cut.
    let mut personal = spanish_input();
    personal.account = Some("sam.taylor@outlook.com".into());
    personal.cloud = None;
    personal.limit.as_mut().expect("limit").number = 0;
    let first = personal.findings[0].clone();
    personal.findings = (0..105)
        .map(|n| FindingLine {
            title: format!("Hallazgo {n}"),
            ..first.clone()
        })
        .collect();
    assert_spanish(&personal);
    let r = build_report(&personal, true);
    assert!(r.admin_commands.is_empty());
    let ticket = ticket_summary(&r);
    assert!(
        ticket.contains("Para TI: Las cuentas personales de Microsoft"),
        "{ticket}"
    );
    assert!(ticket.contains("- y 100 más"), "{ticket}");
    let html = to_html(&r);
    assert!(html.contains("5 hallazgos más no se muestran."), "{html}");
    assert!(
        html.contains(
            "conexiones desde este equipo: 35; el límite de este servicio no está publicado"
        ),
        "{html}"
    );
}

#[test]
fn english_stays_english() {
    let r = build_report(&input(), false);
    let html = to_html(&r);
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"),
        "{html}"
    );
    assert!(html.contains("<h2>Other mail apps' accounts</h2>") || r.other_accounts.is_empty());
    assert!(ticket_summary(&r).starts_with("Session Doctor report, "));
}
