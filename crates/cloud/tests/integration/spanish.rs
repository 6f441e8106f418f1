//! The sentences the app shows from this crate, in Spanish: a sign-out report, a manual
//! route, admin access, a snapshot's notes, a bulk sign-out's messages and a CSV import.
//! Each is checked for English left behind (`words::english_left`) and one case each
//! against the exact Spanish.

use crate::common;

use cloud::{BulkRevokeOutcome, NoteTopic, RevokeOutcome, parse_upn_csv, summarize_bulk};
use common::{config, session, sign_in, start};
use sandbox::{DEMO_ADMIN_UPN, DEMO_MEMBER_UPN, DEMO_PERSONAL_UPN, Tenant};
use words::{Lang, english_left};

/// No English catalog phrase in `what`, shown as JSON.
fn no_english(what: &impl serde::Serialize) {
    let text = serde_json::to_string(what).expect("json");
    let left = english_left(&text, Lang::Es);
    assert!(left.is_empty(), "English left in {text}: {left:#?}");
}

#[tokio::test]
async fn a_spanish_sign_out_report_is_spanish() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let report = s.sign_out_everywhere(&[], Lang::Es).await.expect("report");
    assert!(report.signed_out_here);
    assert_eq!(
        report.summary,
        "Sesión cerrada en todas partes, también aquí."
    );
    no_english(&report);
}

#[tokio::test]
async fn a_personal_account_gets_its_manual_route_in_spanish() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_PERSONAL_UPN).await;
    let report = s.sign_out_everywhere(&[], Lang::Es).await.expect("report");
    let RevokeOutcome::Manual { route } = &report.results[0].outcome else {
        panic!("expected the manual route: {report:?}");
    };
    assert_eq!(
        route.title,
        "Cerrar sesión en todas partes (cuenta personal de Microsoft)"
    );
    assert_eq!(
        route.takes_effect,
        "hasta 24 horas; no se cierra la sesión de las consolas Xbox"
    );
    assert!(
        report
            .summary
            .starts_with("Termine en la página de Microsoft: https://account.live.com/"),
        "{}",
        report.summary
    );
    no_english(&report);
    // The snapshot of a personal account: two notes, each with its route.
    let snap = s.snapshot(None, Lang::Es).await.expect("snapshot");
    assert_eq!(snap.notes.len(), 2);
    no_english(&snap.notes);
}

#[tokio::test]
async fn a_members_snapshot_notes_are_spanish() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_MEMBER_UPN).await;
    let snap = s.snapshot(None, Lang::Es).await.expect("snapshot");
    let note = snap
        .notes
        .iter()
        .find(|n| n.topic == NoteTopic::SignIns)
        .expect("sign-in note");
    // Microsoft's own message stays as Microsoft wrote it, in brackets.
    assert_eq!(
        note.message,
        "Esta cuenta no tiene permiso para ver el registro de inicios de sesión \
         (Insufficient privileges to complete the operation.)"
    );
    assert_eq!(
        note.manual.as_ref().expect("route").title,
        "Inicios de sesión recientes (cuenta profesional o educativa)"
    );
    let revoke = snap
        .notes
        .iter()
        .find(|n| n.topic == NoteTopic::Revoke)
        .expect("revoke note");
    assert!(
        revoke
            .message
            .starts_with("Cerrar sesión en todas partes desde la aplicación"),
        "{}",
        revoke.message
    );
    no_english(&snap.notes);
    // The English words are unchanged.
    let en = s.snapshot(None, Lang::En).await.expect("snapshot");
    assert!(en.notes.iter().any(|n| n.message
        == "Not allowed for this account: the sign-in log (Insufficient privileges to complete the operation.)"));
}

#[tokio::test]
async fn admin_access_is_spanish_for_an_admin_and_for_a_member() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let access = s.admin_access(Lang::Es).await.expect("access");
    assert_eq!(
        access.summary,
        format!(
            "Sesión iniciada como {DEMO_ADMIN_UPN} (Global Administrator): puede buscar usuarios, \
             leer sus inicios de sesión y cerrar su sesión en todas partes."
        )
    );
    no_english(&access);

    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_MEMBER_UPN).await;
    let access = s.admin_access(Lang::Es).await.expect("access");
    assert!(!access.can_revoke);
    assert!(
        access
            .summary
            .starts_with(&format!("{DEMO_MEMBER_UPN} no tiene ningún rol de Entra")),
        "{}",
        access.summary
    );
    no_english(&access);
}

#[tokio::test]
async fn a_bulk_sign_out_says_in_spanish_what_failed() {
    let sb = start(Tenant::demo());
    let (s, _) = session(config(&sb));
    sign_in(&s, DEMO_ADMIN_UPN).await;
    let users = [
        DEMO_MEMBER_UPN.to_owned(),
        "ghost@contoso.example".to_owned(),
        "not an address".to_owned(),
    ];
    let results = s
        .revoke_many(&users, Lang::Es, |_| {})
        .await
        .expect("results");
    let message = |i: usize| match &results[i].outcome {
        BulkRevokeOutcome::Failed { message, .. } => message.clone(),
        other => panic!("{other:?}"),
    };
    assert!(results[0].is_revoked(), "{results:?}");
    assert!(
        message(1).starts_with("Ese usuario no está en el directorio"),
        "{}",
        message(1)
    );
    assert_eq!(
        message(2),
        "«not an address» no es un nombre de usuario (usuario@dominio) ni un id. de objeto: \
         contiene espacios."
    );
    let summary = summarize_bulk(&results, Lang::Es);
    assert_eq!(
        summary.summary,
        "1 de 3 usuarios con la sesión cerrada en todas partes. 2 fallaron."
    );
    // Microsoft's message (in brackets) is Microsoft's English; ours around it is Spanish.
    let ours = message(1);
    let ours = ours.split(" (").next().unwrap_or_default();
    no_english(&ours);
    no_english(&results[2]);
    no_english(&summary);
}

#[test]
fn a_csv_import_is_summed_up_in_spanish() {
    let text = "upn,note\n\
                lee@contoso.com,first\n\
                LEE@Contoso.com,again\n\
                not-an-address,x\n\
                ,empty\n\
                \"adele@contoso.com,never closed\n";
    let r = parse_upn_csv(text, Lang::Es);
    assert_eq!(r.upns, ["lee@contoso.com"]);
    assert_eq!(r.summary, "1 usuario leído de «upn»; 4 líneas omitidas.");
    let reasons: Vec<&str> = r.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "repite la línea 2",
            "«not-an-address» no es un nombre de usuario válido: no es una dirección \
             (usuario@dominio)",
            "no hay ninguna dirección en «upn»",
            "un valor entre comillas no se cierra nunca; puede que el archivo esté cortado",
        ]
    );
    no_english(&r);
    // Without a header, the column is named in Spanish too.
    let r = parse_upn_csv("lee@contoso.com\nadele@contoso.com\n", Lang::Es);
    assert_eq!(r.column, "columna 1");
    assert_eq!(r.summary, "2 usuarios leídos de «columna 1».");
}
