//! The session in Spanish end to end on the simulated PC: the diagnosis, the guided fix's
//! repairs and their previews come from the Spanish catalog, with no English sentence.

use doctor::{AppContext, Lang};

#[tokio::test]
async fn a_spanish_session_words_findings_repairs_and_previews_in_spanish() {
    let ctx = AppContext::demo().expect("demo");
    ctx.set_lang(Lang::Es);
    ctx.scan(|_| {}).await.expect("scan");

    let diagnosis = ctx.diagnosis().expect("diagnosis");
    let mut text = vec![
        diagnosis.estimate.summary.clone(),
        diagnosis.estimate.reason.clone(),
    ];
    for f in &diagnosis.findings {
        text.push(f.title.clone());
        text.extend(f.evidence.iter().cloned());
        text.extend(f.advice.iter().cloned());
    }
    let plan = ctx.wizard_plan(None).expect("plan");
    let mut previewed = 0;
    for step in plan.stages.iter().flat_map(|s| &s.steps) {
        if let Some(offer) = &step.offer {
            text.push(offer.title.clone());
            let preview = ctx.preview_action(&offer.request()).expect("preview");
            text.push(preview.title);
            text.extend(preview.changes);
            text.push(preview.undo);
            previewed += 1;
        }
    }
    assert!(previewed > 0, "the demo offers repairs");
    let all = text.join("\n");
    assert_eq!(
        words::english_left(&all, Lang::Es),
        Vec::<String>::new(),
        "{all}"
    );
    assert!(
        all.contains("Outlook está abierto 2 veces en este equipo"),
        "{all}"
    );
    assert!(all.contains("Reiniciar Outlook"), "{all}");

    // The scan's own reasons (why a source was skipped) are Spanish in the session view.
    let session = ctx.session();
    let reasons: Vec<String> = session
        .scan
        .as_ref()
        .expect("scanned")
        .sources
        .iter()
        .filter_map(|s| s.reason.clone())
        .collect();
    assert!(
        reasons
            .iter()
            .any(|r| r == "solo en un análisis en directo en Windows"),
        "{reasons:?}"
    );
    assert_eq!(
        words::english_left(&reasons.join("\n"), Lang::Es),
        Vec::<String>::new()
    );

    // A refused repair says why in Spanish too, hint included.
    let refused = ctx
        .run_action(&doctor::actions::ActionRequest::RemoveProfile {
            name: "No existe".into(),
            version: None,
        })
        .expect_err("no such profile");
    assert_eq!(
        refused.message,
        "El último análisis no encontró ningún perfil llamado «No existe»; no se ha hecho nada."
    );
    let said = format!("{}\n{}", refused.message, refused.hint);
    assert_eq!(
        words::english_left(&said, Lang::Es),
        Vec::<String>::new(),
        "{said}"
    );

    // Back to English: the same session speaks English again.
    ctx.set_lang(Lang::En);
    let english = ctx.diagnosis().expect("diagnosis");
    assert!(
        english
            .findings
            .iter()
            .any(|f| f.title == "Outlook is running 2 times on this computer"),
        "{:?}",
        english.findings
    );
}
