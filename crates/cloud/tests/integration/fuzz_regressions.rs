//! Inputs the fuzz targets in `fuzz/` (see `scripts/fuzz.sh`) found crashing, kept as tests.

use cloud::parse_upn_csv;

/// `fuzz/` target `upn_csv`: a cell of at least 7 bytes whose 7th byte falls inside a
/// multi-byte character panicked in the `mailto:` check (`v[..7]` off a char boundary).
/// Minimised input: the bytes FF FE FD, i.e. three U+FFFD after lossy decoding.
#[test]
fn upn_csv_non_ascii_cell_of_seven_bytes_does_not_panic() {
    for text in [
        "\u{FFFD}\u{FFFD}\u{FFFD}",
        "Ångström\n",
        "Name;Email\nBob;bob\u{FFFD}\u{FFFD}\u{FFFD}.com\n",
        "mailto:ann@contoso.com\nMAILTO:bob@contoso.com\n",
    ] {
        let got = parse_upn_csv(text, words::Lang::En);
        assert!(got.upns.iter().all(|u| u.is_ascii()), "{text:?}: {got:?}");
    }
    let got = parse_upn_csv("Ångström\nmailto:ann@contoso.com\n", words::Lang::En);
    assert_eq!(got.upns, vec!["ann@contoso.com"]);
}
