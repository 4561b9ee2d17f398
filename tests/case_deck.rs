//! The bundled case deck: proven against the five articles with zero
//! errors and zero warnings (lint included), broad enough to examine a
//! careful reader, honest about the facts only article 003 reports, and
//! embedded in the binary as the very text of `decks/case.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use docket::check::CheckOptions;
use docket::check::check_loaded;
use docket::deck::read_deck_file;

fn checked_case_deck() -> docket::deck::Deck {
    let mut loaded = read_deck_file(Path::new("decks/case.toml"));
    let options = CheckOptions {
        sources_dir: Some("../shared/case".into()),
        strict: true,
        lint: true,
        ..CheckOptions::default()
    };
    let checked = check_loaded(&mut loaded, &options);
    assert!(
        loaded.diagnostics.is_empty(),
        "the case deck has diagnostics: {:#?}",
        loaded.diagnostics
    );
    checked.expect("the case deck checks").into_deck()
}

#[test]
fn the_checker_passes_the_deck_dir_with_zero_errors_and_warnings() {
    assert_cmd::Command::cargo_bin("docket")
        .unwrap()
        .args(["check", "decks", "--sources", "../shared/case"])
        .env("NO_COLOR", "1")
        .assert()
        .success()
        .stderr(predicates::str::contains("0 errors, 0 warnings"));
}

#[test]
fn the_deck_lints_clean_and_passes_strict_from_the_command_line() {
    for extra in ["--lint", "--strict"] {
        assert_cmd::Command::cargo_bin("docket")
            .unwrap()
            .args(["check", extra, "decks", "--sources", "../shared/case"])
            .env("NO_COLOR", "1")
            .assert()
            .success()
            .stderr(predicates::str::contains("0 errors, 0 warnings"));
    }
}

/// The cards whose fact only the garbled Epoch Times copy (003) reports.
const RESTING_ON_003: &[&str] = &[
    "agency-cac",
    "zhou-humanitarian-china",
    "may31-participants",
    "june-1-request",
    "christian-group-quarantine",
    "free-registration-suspended",
    "partner-only-model",
    "mss-nda",
    "xinjiang-users-request",
    "encryption-keys",
    "tiktok-bytedance",
    "airbnb-joyce",
    "evanina-ncsc",
    "encryption-keys-found-by",
    "encryption-keys-explanation",
    "april-29-exchange",
    "security-non-compliant",
    "three-executives",
    "confidential-processing",
    "undocumented-access",
    "may-19-internet-police",
    "ministries-more-often",
    "web-package-fix",
    "cn-user-anywhere",
    "may31-host-details",
    "may31-participants-data",
    "speakers-prerecorded",
    "speakers-detained",
    "zhou-first-step",
    "zhou-warning",
    "zhou-direct-collaboration",
    "zhou-no-company-exempt",
    "demers-values",
    "victoria-park-vigil",
    "data-stored-in-china",
    "most-requests-complied",
    "june-2019-incidents",
    "tiktok-walmart-oracle",
    "airbnb-blecharczyk",
    "joyce-hired",
    "evanina-panel",
    "zoom-illegal-in-china",
    "jin-christian-cult",
    "one-minute-overseas",
    "jin-no-us-data-access",
    "zoom-anonymized-xinjiang",
    "timeline-spring-2020",
];

#[test]
fn cards_resting_on_003_alone_are_marked_cite_it_and_say_so() {
    let deck = checked_case_deck();
    let marked: Vec<&str> = deck
        .cards
        .iter()
        .filter(|c| c.spans.sole_source.is_some())
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(marked, RESTING_ON_003);
    for card in deck.cards.iter().filter(|c| c.spans.sole_source.is_some()) {
        let (source, _) = card.spans.sole_source.as_ref().unwrap();
        assert_eq!(source, "epoch", "{}", card.id);
        assert!(
            card.evidence
                .iter()
                .any(|e| e.source == "epoch" && e.quote.is_none())
        );
        let says_so = [
            Some(&card.prompt),
            card.differs.as_ref(),
            card.explanation.as_ref(),
        ]
        .into_iter()
        .flatten()
        .any(|t| t.contains("003"));
        assert!(says_so, "{} does not say it rests on 003", card.id);
    }
}

#[test]
fn check_json_lists_the_cards_resting_on_003_as_notes() {
    let out = assert_cmd::Command::cargo_bin("docket")
        .unwrap()
        .args(["check", "--json", "decks", "--sources", "../shared/case"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut noted: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["code"] == "sole-source" && r["severity"] == "info")
        .map(|r| {
            r["message"]
                .as_str()
                .unwrap()
                .split('`')
                .nth(1)
                .unwrap()
                .to_string()
        })
        .collect();
    noted.sort();
    let mut expected: Vec<&str> = RESTING_ON_003.to_vec();
    expected.sort();
    assert_eq!(noted, expected);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(summary["warnings"], 0);
}

#[test]
fn the_deck_covers_every_topic_with_enough_cards() {
    let deck = checked_case_deck();
    assert_eq!(deck.cards.len(), 213, "the count in docs/case-deck.md");
    let mut topics: BTreeMap<&str, usize> = BTreeMap::new();
    for card in &deck.cards {
        for t in &card.topics {
            *topics.entry(t.as_str()).or_default() += 1;
        }
    }
    for (topic, at_least) in [
        ("charges", 15),
        ("agencies", 45),
        ("people", 65),
        ("companies", 35),
        ("dates", 45),
        ("timeline", 10),
        ("numbers", 18),
        ("places", 30),
        ("methods", 55),
        ("statements", 65),
    ] {
        let n = topics.get(topic).copied().unwrap_or(0);
        assert!(n >= at_least, "topic {topic}: {n} cards, want {at_least}");
    }
    let kinds: std::collections::BTreeSet<_> = deck.cards.iter().map(|c| c.kind()).collect();
    assert!(kinds.len() >= 5, "kinds used: {kinds:?}");
    assert!(kinds.contains(&docket::deck::model::CardKind::Order));
}

#[test]
fn every_card_is_explained_and_quoted_but_never_from_the_garbled_copy() {
    let deck = checked_case_deck();
    let garbled: Vec<&str> = deck
        .sources
        .iter()
        .filter(|s| s.file.starts_with("003_"))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(garbled.len(), 1);
    for card in &deck.cards {
        assert!(card.explanation.is_some(), "{} has no explanation", card.id);
        assert!(
            card.evidence.iter().any(|e| e.quote.is_some()),
            "{} quotes nothing",
            card.id
        );
        for e in &card.evidence {
            assert!(
                !(garbled.contains(&e.source.as_str()) && e.quote.is_some()),
                "{} quotes the garbled copy",
                card.id
            );
        }
    }
}

#[test]
fn the_known_error_in_the_articles_is_corrected_and_noted() {
    let deck = checked_case_deck();
    let tiananmen = deck
        .cards
        .iter()
        .find(|c| c.id == "tiananmen-year")
        .expect("a card on the massacre's year");
    assert!(docket::grade::expected_answer(tiananmen).contains("1989"));
    assert!(tiananmen.differs.as_deref().unwrap_or("").contains("1983"));
    assert!(deck.cards.iter().filter(|c| c.differs.is_some()).count() >= 14);
}

#[test]
fn every_card_id_of_the_original_deck_is_kept() {
    // Progress is keyed by card id: ids may be added, never renamed.
    let deck = checked_case_deck();
    let ids: std::collections::BTreeSet<&str> = deck.cards.iter().map(|c| c.id.as_str()).collect();
    for id in ORIGINAL_IDS {
        assert!(ids.contains(id), "card `{id}` disappeared");
    }
    assert_eq!(ORIGINAL_IDS.len(), 149);
}

/// The ids of the 149 cards the deck had before issue 18.
const ORIGINAL_IDS: &[&str] = &[
    "charge-harassment",
    "charge-identification",
    "charge-verb-transfer",
    "charge-count",
    "max-sentence",
    "charging-document",
    "charge-not-espionage",
    "jin-not-in-custody",
    "extradition",
    "most-wanted-claim",
    "court-brooklyn",
    "fbi-washington-field-office",
    "doj-unsealed",
    "agency-mss",
    "mss-observe-first",
    "agency-mps",
    "mss-vs-mps",
    "agency-cac",
    "internet-police",
    "great-firewall",
    "chinese-embassy",
    "fbi-zhou-cooperation",
    "jin-alias",
    "jin-family-name",
    "jin-age",
    "jin-joined-zoom",
    "jin-title",
    "jin-employee-or-executive",
    "jin-liaison",
    "jin-appointed-contact",
    "employee-1",
    "employee-1-ip-data",
    "company-1",
    "co-conspirators-uncharged",
    "remote-machine-employee",
    "zoom-ceo-claim",
    "demers-role",
    "demers-coercive-power",
    "demers-coopted",
    "zhou-fengsuo",
    "zhou-tremendous-news",
    "zhou-spelling",
    "zhou-humanitarian-china",
    "neil-campbell",
    "hk-activist",
    "yunnan-ip",
    "religious-hosts",
    "tank-man",
    "jin-unreachable",
    "other-employees-leave",
    "jin-fired",
    "zoom-headquarters",
    "zoom-value",
    "zoom-china-staff",
    "wechat",
    "pjmedia-sources",
    "washington-post",
    "nyt-cited",
    "stray-headlines",
    "zoom-told-ibtimes",
    "unsealed-date",
    "unsealed-weekday",
    "tiananmen-year",
    "tiananmen-day",
    "anniversary-31st",
    "monitoring-since",
    "meetings-when",
    "who-commemorated",
    "china-blocked-zoom",
    "zoom-unblocked",
    "rectification-window",
    "april-summoned",
    "spreadsheet-june",
    "june-11-blog",
    "dec-18-blog",
    "campbell-published",
    "ibtimes-published",
    "pjmedia-update-time",
    "pandemic-controls",
    "timeline-2019",
    "timeline-2020",
    "timeline-overall",
    "timeline-rectification",
    "at-least-four-meetings",
    "fewer-than-ten-users",
    "data-migration-count",
    "data-migration-whose",
    "spreadsheet-23000",
    "one-minute",
    "one-minute-name",
    "death-toll-reports",
    "host-accounts-hk-us",
    "two-mistakes",
    "jin-office-zhejiang",
    "targets-in-us",
    "jin-based-mainland",
    "tiananmen-place",
    "hk-daily-monitoring",
    "users-outside-china",
    "fake-accounts",
    "screenshots",
    "fabricated-violations",
    "islamic-state",
    "pretextual-justifications",
    "social-media-intel",
    "meeting-passwords",
    "names-emails",
    "special-access",
    "proactive-monitoring",
    "cn-zf",
    "infiltration-boast",
    "terminate-not-block",
    "circumvent-access-controls",
    "jin-liaison-cloze",
    "rectification-term",
    "business-lure",
    "zoom-cooperating",
    "doj-advance-notice",
    "limited-user-data",
    "no-enterprise-data",
    "tiananmen-meeting-info",
    "fell-short",
    "accounts-reinstated",
    "no-requests-outside-mainland",
    "summer-comply-laws",
    "summer-not-change-laws",
    "shutdown-multinationals",
    "jin-job-duties",
    "free-exchange",
    "every-american-company",
    "act-aggressively",
    "new-process",
    "should-not-impact",
    "zhou-agent-of-persecution",
    "political-label",
    "ccp-dissent-threat",
    "censor-abroad",
    "survivors-attended",
    "zoom-pandemic-boom",
    "may31-participants",
    "june-1-request",
    "christian-group-quarantine",
    "free-registration-suspended",
    "mss-nda",
    "xinjiang-users-request",
    "encryption-keys",
    "tiktok-bytedance",
    "airbnb-joyce",
    "evanina-ncsc",
];

#[test]
fn the_embedded_deck_is_the_text_of_decks_case_toml() {
    let on_disk = std::fs::read_to_string("decks/case.toml").unwrap();
    assert_eq!(docket::bundled::CASE_DECK_TOML, on_disk);
    let bundled = docket::bundled::case_deck().expect("bundled deck parses and checks");
    assert_eq!(bundled.deck().cards.len(), checked_case_deck().cards.len());
}
