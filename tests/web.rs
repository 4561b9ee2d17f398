//! The class's web app through `tower::ServiceExt::oneshot`: every
//! endpoint, a whole self-paced sitting and a live round, a restart, and
//! hostile input (oversized bodies, bad tokens, replayed submissions,
//! markup in names and answers, a full class, wrong codes, a student at
//! the teacher's address).

mod web_support;

use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use axum::http::header;
use docket::app::class::Limits;
use docket::app::class::Phase;
use http_body_util::BodyExt;
use tower::ServiceExt;
use web_support::*;

fn limits() -> Limits {
    Limits::default()
}

#[tokio::test]
async fn a_self_paced_sitting_from_join_to_receipt_and_report() {
    let t = make_class(4, false, limits());
    let s = &t.state;
    let r = send(s, get("/", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"code\""));
    // The join page is also what the QR code opens, with the code filled in.
    let code = s.class.read(|c| c.join_code.clone());
    let r = send(s, get(&format!("/?code={code}"), None)).await;
    assert!(r.body.contains(&format!("value=\"{code}\"")));
    let ana = join(s, "Ana").await;
    // Joined: the start page sends the student on.
    let r = send(s, get("/", Some(&ana))).await;
    assert_eq!(r.location(), "/s");
    let items: Vec<_> = s.class.read(|c| c.form.items.clone());
    let explanations: Vec<String> = t
        .key
        .items
        .iter()
        .filter_map(|k| k.card.explanation.clone())
        .collect();
    let mut pages = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let r = send(s, get("/s", Some(&ana))).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.body.contains(&format!("item {} of 4", i + 1)),
            "{}",
            r.body
        );
        pages.push(r.body.clone());
        // Item 2 is skipped: the review must list it.
        let answer = if i == 1 {
            String::new()
        } else {
            right_answer(&t.key, i)
        };
        let no = (i + 1).to_string();
        let r = send(
            s,
            post(
                "/s/answer",
                Some(&ana),
                &[("item", &no), ("answer", &answer), ("nav", "next")],
            ),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "item {}: {}",
            i + 1,
            r.body
        );
        let _ = item;
    }
    // After the last item: the review list, naming the unanswered item.
    let r = send(s, get("/s", Some(&ana))).await;
    assert!(r.body.contains("Review your answers"));
    assert!(r.body.contains("1 unanswered: item 2"), "{}", r.body);
    pages.push(r.body.clone());
    // Back to item 2 from the review list, answer it, return.
    let r = send(s, post("/s/answer", Some(&ana), &[("nav", "goto-2")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(s, get("/s", Some(&ana))).await;
    assert!(r.body.contains("item 2 of 4"));
    let a2 = right_answer(&t.key, 1);
    send(
        s,
        post(
            "/s/answer",
            Some(&ana),
            &[("item", "2"), ("answer", &a2), ("nav", "review")],
        ),
    )
    .await;
    let r = send(s, get("/s", Some(&ana))).await;
    assert!(r.body.contains("Every item has an answer"));
    // The key never reaches the student: no explanation on any page.
    for p in &pages {
        for e in &explanations {
            assert!(
                !p.contains(e.as_str()),
                "an explanation reached a student's page"
            );
        }
    }
    // Handing in needs the confirmation the review page sends.
    let r = send(s, post("/s/submit", Some(&ana), &[])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(s, post("/s/submit", Some(&ana), &[("confirm", "yes")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(s, get("/s", Some(&ana))).await;
    let receipt = s
        .class
        .read(|c| c.students[0].receipt().unwrap().to_string());
    assert!(r.body.contains(&receipt));
    // Replayed: the same receipt, nothing changes.
    let r = send(s, post("/s/submit", Some(&ana), &[("confirm", "yes")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains(&receipt));
    let r = send(
        s,
        post("/s/answer", Some(&ana), &[("item", "1"), ("answer", "b")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Exported, the sitting is a result file `quiz report` grades in full.
    let tok = teacher_token(s);
    let r = send(s, post(&format!("/t/{tok}/export"), None, &[])).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Exported 1 result files"));
    let report = docket::app::quiz::report(&docket::app::quiz::ReportRequest {
        key: t.dir.path().join("quiz.key.json"),
        results: vec![t.dir.path().join("data/results")],
        receipts: None,
        min_class_size: 5,
    })
    .unwrap();
    assert_eq!(report.report.students.len(), 1);
    assert_eq!(report.report.students[0].score, 4);
    assert_eq!(report.report.students[0].receipt, receipt);
    // The report page shows the same.
    let r = send(s, get(&format!("/t/{tok}/report"), None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Ana"));
}

#[tokio::test]
async fn answers_are_checked_for_form_and_navigation_works_both_ways() {
    let t = make_class(3, false, limits());
    let s = &t.state;
    let bo = join(s, "Bo").await;
    let kinds: Vec<String> = s
        .class
        .read(|c| c.form.items.iter().map(|i| i.kind.clone()).collect());
    if let Some(i) = kinds.iter().position(|k| k == "choice") {
        let no = (i + 1).to_string();
        let r = send(
            s,
            post("/s/answer", Some(&bo), &[("item", &no), ("answer", "zz")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("role=\"alert\""));
    }
    let r = send(
        s,
        post("/s/answer", Some(&bo), &[("item", "9"), ("answer", "a")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(s, post("/s/answer", Some(&bo), &[("item", "x")])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = send(
        s,
        post(
            "/s/answer",
            Some(&bo),
            &[("item", "1"), ("nav", "sideways")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    send(
        s,
        post("/s/answer", Some(&bo), &[("item", "1"), ("nav", "next")]),
    )
    .await;
    send(
        s,
        post("/s/answer", Some(&bo), &[("item", "2"), ("nav", "back")]),
    )
    .await;
    assert_eq!(s.class.read(|c| c.students[0].current()), Some(0));
    send(
        s,
        post("/s/answer", Some(&bo), &[("item", "1"), ("nav", "goto-3")]),
    )
    .await;
    assert_eq!(s.class.read(|c| c.students[0].current()), Some(2));
    // A live-round answer in a self-paced class is refused.
    let r = send(
        s,
        post("/s/live", Some(&bo), &[("item", "1"), ("answer", "a")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn markup_in_names_and_answers_never_reaches_a_page_unescaped() {
    let t = make_class(3, false, limits());
    let s = &t.state;
    let evil = "<script>alert(1)</script>";
    let token = join(s, evil).await;
    let items: Vec<_> = s.class.read(|c| c.form.items.clone());
    // A typed answer carrying markup, where the form allows free text.
    if let Some(i) = items.iter().position(|i| i.kind == "basic") {
        let no = (i + 1).to_string();
        send(
            s,
            post(
                "/s/answer",
                Some(&token),
                &[
                    ("item", &no),
                    ("answer", "<img src=x onerror=alert(2)>"),
                    ("nav", "review"),
                ],
            ),
        )
        .await;
    } else {
        send(s, post("/s/answer", Some(&token), &[("nav", "review")])).await;
    }
    let tok = teacher_token(s);
    let mut pages = Vec::new();
    for uri in [
        "/s".to_string(),
        format!("/t/{tok}"),
        format!("/t/{tok}/screen"),
    ] {
        let r = send(s, get(&uri, Some(&token))).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        pages.push(r.body);
    }
    for p in &pages {
        assert!(!p.contains("<script>alert"), "unescaped name");
        assert!(!p.contains("<img src=x"), "unescaped answer");
    }
    assert!(pages[1].contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // A name refused is echoed back escaped too.
    let code = s.class.read(|c| c.join_code.clone());
    let r = send(s, post("/join", None, &[("name", evil), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(!r.body.contains("<script>alert"));
}

#[tokio::test]
async fn the_teacher_pages_need_the_teacher_token() {
    let t = make_class(2, true, limits());
    let s = &t.state;
    let ana = join(s, "Ana").await;
    let tok = teacher_token(s);
    // A student with their own cookie, at the teacher's pages.
    for uri in [
        "/t/x",
        "/t/00000000000000000000000000000000",
        "/t/00000000000000000000000000000000/screen",
        "/t/00000000000000000000000000000000/events",
        "/t/0/report",
        "/t/0/qr.svg",
    ] {
        let r = send(s, get(uri, Some(&ana))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(!r.body.contains(&tok));
    }
    // A student's token is no teacher's token.
    let r = send(s, get(&format!("/t/{ana}"), Some(&ana))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for action in ["next", "close", "finish", "names", "joining", "export"] {
        let r = send(s, post(&format!("/t/{ana}/{action}"), Some(&ana), &[])).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(s.class.read(|c| c.phase), Phase::Lobby);
    let r = send(s, get("/t/", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // With the token: the dashboard, the projector, the QR code.
    let r = send(s, get(&format!("/t/{tok}"), None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<svg") && r.body.contains("Ana"));
    let r = send(s, get(&format!("/t/{tok}/qr.svg"), None)).await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "image/svg+xml");
    let r = send(s, post(&format!("/t/{tok}/nonsense"), None, &[])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The token never leaks to other sites.
    assert_eq!(r.headers[header::REFERRER_POLICY], "no-referrer");
    assert!(
        r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

#[tokio::test]
async fn forged_or_missing_student_tokens_are_refused() {
    let t = make_class(2, false, limits());
    let s = &t.state;
    join(s, "Ana").await;
    let forged = "0123456789abcdef0123456789abcdef";
    let r = send(s, get("/s", Some(forged))).await;
    assert_eq!(r.location(), "/");
    for uri in ["/s/answer", "/s/submit", "/s/live"] {
        let r = send(
            s,
            post(uri, Some(forged), &[("item", "1"), ("answer", "a")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
        let r = send(s, post(uri, None, &[("item", "1")])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    let r = send(s, get("/s/events", None)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.class.read(|c| c.students[0].answered()), 0);
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let t = make_class(2, false, limits());
    let s = &t.state;
    let code = s.class.read(|c| c.join_code.clone());
    let big = "x".repeat(docket::web::MAX_BODY_BYTES + 1);
    let r = send(s, post("/join", None, &[("name", &big), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let ana = join(s, "Ana").await;
    let r = send(
        s,
        post("/s/answer", Some(&ana), &[("item", "1"), ("answer", &big)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A long name that fits the body limit is refused by name rules.
    let long = "n".repeat(200);
    let r = send(s, post("/join", None, &[("name", &long), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(s.class.read(|c| c.students.len()), 1);
}

#[tokio::test]
async fn wrong_codes_a_full_class_a_closed_class_and_taken_names() {
    let t = make_class(
        2,
        false,
        Limits {
            max_students: 2,
            wrong_codes_per_address: 3,
            wrong_codes_total: 100,
        },
    );
    let s = &t.state;
    let code = s.class.read(|c| c.join_code.clone());
    for _ in 0..3 {
        let r = send(
            s,
            from(
                post("/join", None, &[("name", "Eve"), ("code", "AAAAAA")]),
                [10, 0, 0, 9],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("not this class"));
    }
    // That address is now refused even with the right code; others are not.
    let r = send(
        s,
        from(
            post("/join", None, &[("name", "Eve"), ("code", &code)]),
            [10, 0, 0, 9],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let r = send(
        s,
        from(
            post(
                "/join",
                None,
                &[("name", "Ana"), ("code", &code.to_lowercase())],
            ),
            [10, 0, 0, 2],
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "codes are not case-sensitive"
    );
    let r = send(
        s,
        post("/join", None, &[("name", " ana "), ("code", &code)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("already has that name"));
    let r = send(s, post("/join", None, &[("name", "   "), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    join(s, "Bo").await;
    let r = send(s, post("/join", None, &[("name", "Cy"), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.body.contains("full"));
    let tok = teacher_token(s);
    let r = send(
        s,
        post(&format!("/t/{tok}/joining"), None, &[("open", "0")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(s, post("/join", None, &[("name", "Di"), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("closed"));
}

#[tokio::test]
async fn a_live_round_item_by_item() {
    let t = make_class(3, true, limits());
    let s = &t.state;
    let tok = teacher_token(s);
    let students = [
        join(s, "Ana").await,
        join(s, "Bo").await,
        join(s, "Cy").await,
    ];
    let r = send(s, get("/s", Some(&students[0]))).await;
    assert!(r.body.contains("Wait for the teacher"));
    let r = send(s, post(&format!("/t/{tok}/close"), None, &[])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    for i in 0..3 {
        let r = send(
            s,
            post(&format!("/t/{tok}/next"), None, &[("back", "screen")]),
        )
        .await;
        assert_eq!(r.location(), format!("/t/{tok}/screen"));
        let item = s.class.read(|c| c.item(i).clone());
        let no = (i + 1).to_string();
        // An answer to another item than the open one is refused.
        let other = ((i + 1) % 3 + 1).to_string();
        let r = send(
            s,
            post(
                "/s/live",
                Some(&students[0]),
                &[("item", &other), ("answer", "a")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // Ana right, Bo changes his mind, Cy does not answer.
        let right = right_answer(&t.key, i);
        send(
            s,
            post(
                "/s/live",
                Some(&students[0]),
                &[("item", &no), ("answer", &right)],
            ),
        )
        .await;
        send(
            s,
            post(
                "/s/live",
                Some(&students[1]),
                &[("item", &no), ("answer", &some_answer(&item))],
            ),
        )
        .await;
        send(
            s,
            post(
                "/s/live",
                Some(&students[1]),
                &[("item", &no), ("answer", &right)],
            ),
        )
        .await;
        let r = send(s, get(&format!("/t/{tok}/screen"), None)).await;
        assert!(
            r.body.contains("<strong>2</strong> of 3 answered"),
            "{}",
            r.body
        );
        let r = send(s, get("/s", Some(&students[0]))).await;
        assert!(r.body.contains("Answer recorded"));
        // Her score counts closed items only: the open one would give it away.
        assert!(
            r.body.contains(&format!("Ana · {i} right so far")),
            "{}",
            r.body
        );
        assert!(
            !r.body.contains("right-answer"),
            "the answer shows only once closed"
        );
        send(s, post(&format!("/t/{tok}/close"), None, &[])).await;
        let r = send(s, get("/s", Some(&students[0]))).await;
        assert!(
            r.body.contains("right-answer") && r.body.contains("✓ right"),
            "{}",
            r.body
        );
        let r = send(s, get(&format!("/t/{tok}/screen"), None)).await;
        assert!(r.body.contains("2 answered, 2 right"), "{}", r.body);
        // Closed: no more answers.
        let r = send(
            s,
            post(
                "/s/live",
                Some(&students[2]),
                &[("item", &no), ("answer", "a")],
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    }
    let r = send(s, post(&format!("/t/{tok}/next"), None, &[])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "no item after the last");
    // Names hidden on the projector.
    send(
        s,
        post(&format!("/t/{tok}/names"), None, &[("hidden", "1")]),
    )
    .await;
    send(s, post(&format!("/t/{tok}/finish"), None, &[])).await;
    let r = send(s, get(&format!("/t/{tok}/screen"), None)).await;
    assert!(
        r.body.contains("Student 1") && !r.body.contains("Ana"),
        "{}",
        r.body
    );
    let r = send(s, get("/s", Some(&students[0]))).await;
    assert!(
        r.body.contains("You got <strong>3</strong> of 3 right"),
        "{}",
        r.body
    );
    // Every sitting handed in; the report grades it the same way.
    let class = t.state.class.report().unwrap();
    let scores: Vec<(String, usize)> = class
        .report
        .students
        .iter()
        .map(|s| (s.student.clone(), s.score))
        .collect();
    assert_eq!(
        scores,
        vec![("Ana".into(), 3), ("Bo".into(), 3), ("Cy".into(), 0)]
    );
    assert!(class.report.rejected.is_empty());
}

#[tokio::test]
async fn a_restarted_server_keeps_every_answer_and_students_rejoin_where_they_were() {
    let t = make_class(4, false, limits());
    let ana = join(&t.state, "Ana").await;
    let a1 = right_answer(&t.key, 0);
    let a2 = right_answer(&t.key, 1);
    send(
        &t.state,
        post(
            "/s/answer",
            Some(&ana),
            &[("item", "1"), ("answer", &a1), ("nav", "next")],
        ),
    )
    .await;
    send(
        &t.state,
        post(
            "/s/answer",
            Some(&ana),
            &[("item", "2"), ("answer", &a2), ("nav", "goto-4")],
        ),
    )
    .await;
    let code = t.state.class.read(|c| c.join_code.clone());
    let tok = teacher_token(&t.state);
    let bo = join(&t.state, "Bo").await;
    send(&t.state, post("/s/answer", Some(&bo), &[("nav", "review")])).await;
    send(
        &t.state,
        post("/s/submit", Some(&bo), &[("confirm", "yes")]),
    )
    .await;
    let receipt = t
        .state
        .class
        .read(|c| c.students[1].receipt().unwrap().to_string());
    // The server goes away without a word; a new one opens the same directory.
    drop(t.state);
    let s = serve_dir(t.dir.path(), false, limits());
    assert_eq!(
        s.class
            .read(|c| (c.join_code.clone(), c.teacher_token.clone())),
        (code, tok)
    );
    let r = send(&s, get("/s", Some(&ana))).await;
    assert!(r.body.contains("item 4 of 4"), "{}", r.body);
    assert!(r.body.contains("2 answered"));
    let r = send(&s, get("/s", Some(&bo))).await;
    assert!(r.body.contains(&receipt));
    let r = send(&s, post("/s/submit", Some(&bo), &[("confirm", "yes")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn live_updates_are_server_sent_events() {
    let t = make_class(2, true, limits());
    let s = &t.state;
    let tok = teacher_token(s);
    let ana = join(s, "Ana").await;
    let first_frame = |uri: String, cookie: Option<String>| {
        let s = s.clone();
        async move {
            let r = docket::web::app(s)
                .oneshot(get(&uri, cookie.as_deref()))
                .await
                .unwrap();
            assert_eq!(r.headers()[header::CONTENT_TYPE], "text/event-stream");
            let mut body = r.into_body();
            let frame = body.frame().await.unwrap().unwrap();
            String::from_utf8(frame.into_data().unwrap().to_vec()).unwrap()
        }
    };
    let f = first_frame(format!("/t/{tok}/events"), None).await;
    assert!(f.starts_with("event: update") && f.contains("Ana"), "{f}");
    let f = first_frame(format!("/t/{tok}/screen/events"), None).await;
    assert!(f.contains("event: update"));
    let f = first_frame("/s/events".into(), Some(ana)).await;
    assert!(f.contains("event: version") && f.contains("data: 0"), "{f}");
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let t = make_class(2, false, limits());
    let r = send(&t.state, get("/assets/class.css", None)).await;
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(r.body.contains(":focus-visible"));
    let r = send(&t.state, get("/assets/class.js", None)).await;
    assert!(r.body.contains("EventSource"));
    let r = send(&t.state, get("/nothing-here", None)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // No page fetches anything from another host.
    let page = send(&t.state, get("/", None)).await;
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
}

#[tokio::test]
async fn a_real_server_on_a_free_port() {
    let t = make_class(2, false, limits());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(docket::web::serve(listener, t.state.clone(), async {
        let _ = stopped.await;
    }));
    let code = t.state.class.read(|c| c.join_code.clone());
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<String>();
    let body = format!("name=Ana&code={code}");
    let req = Request::builder()
        .method("POST")
        .uri(format!("http://{addr}/join"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .unwrap();
    let r = client.request(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let _ = r.into_body().collect().await;
    assert_eq!(t.state.class.read(|c| c.students.len()), 1);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let _ = Body::empty();
}

/// The cookie a reply sets, as the token.
fn cookie_of(r: &Reply) -> String {
    r.headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("docket_student=")
        .to_string()
}

#[tokio::test]
async fn a_student_who_lost_the_cookie_rejoins_with_the_rejoin_code_not_the_name() {
    let t = make_class(3, false, limits());
    let s = &t.state;
    let code = s.class.read(|c| c.join_code.clone());
    let ana = join(s, "Ana").await;
    let a1 = right_answer(&t.key, 0);
    send(
        s,
        post(
            "/s/answer",
            Some(&ana),
            &[("item", "1"), ("answer", &a1), ("nav", "next")],
        ),
    )
    .await;
    // Her page shows her rejoin code; so does the teacher's dashboard.
    let rejoin = s.class.read(|c| c.rejoin_code(&c.students[0]));
    let page = send(s, get("/s", Some(&ana))).await;
    assert!(page.body.contains(&rejoin), "{}", page.body);
    let tok = teacher_token(s);
    let dash = send(s, get(&format!("/t/{tok}"), None)).await;
    assert!(dash.body.contains(&rejoin));
    // A new phone: the name alone is refused, and says what to do.
    let r = send(s, post("/join", None, &[("name", "Ana"), ("code", &code)])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("rejoin code"), "{}", r.body);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    // Someone else's guess is refused, and no cookie is set.
    let r = send(
        s,
        post(
            "/join",
            None,
            &[("name", "Ana"), ("code", &code), ("rejoin", "AAAAAA")],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.headers.get(header::SET_COOKIE).is_none());
    // With her rejoin code she is back where she was, on her own sitting,
    // even though joining has been closed meanwhile.
    send(
        s,
        post(&format!("/t/{tok}/joining"), None, &[("open", "0")]),
    )
    .await;
    let r = send(
        s,
        post(
            "/join",
            None,
            &[("name", "ana"), ("code", &code), ("rejoin", &rejoin)],
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = cookie_of(&r);
    assert_eq!(again, ana);
    let page = send(s, get("/s", Some(&again))).await;
    assert!(page.body.contains("item 2 of 3"), "{}", page.body);
    assert!(page.body.contains("1 answered"));
    assert_eq!(s.class.read(|c| c.students.len()), 1);
}

#[tokio::test]
async fn the_speed_bonus_is_off_until_the_teacher_turns_it_on_and_never_reaches_the_report() {
    let t = make_class(2, true, limits());
    let s = &t.state;
    let tok = teacher_token(s);
    let ana = join(s, "Ana").await;
    let bo = join(s, "Bo").await;
    let dash = send(s, get(&format!("/t/{tok}"), None)).await;
    assert!(dash.body.contains("Turn the speed bonus on"));
    assert!(dash.body.contains("Speed bonus: off"));
    send(s, post(&format!("/t/{tok}/next"), None, &[])).await;
    for who in [&ana, &bo] {
        let a = right_answer(&t.key, 0);
        let r = send(
            s,
            post("/s/live", Some(who), &[("item", "1"), ("answer", &a)]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    send(s, post(&format!("/t/{tok}/close"), None, &[])).await;
    let page = send(s, get("/s", Some(&ana))).await;
    assert!(
        !page.body.contains("points"),
        "off by default: {}",
        page.body
    );
    // Only the teacher turns it on.
    let r = send(s, post("/t/not-the-token/speed", None, &[("on", "1")])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(s, post(&format!("/t/{tok}/speed"), None, &[("on", "1")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = send(s, get("/s", Some(&ana))).await;
    let (points, bonus) = s.class.read(|c| {
        (
            c.points(&c.students[0], c.revealed()).unwrap(),
            c.bonus(&c.students[0], 0),
        )
    });
    assert!(bonus > 0 && points == 10 + bonus, "{points} {bonus}");
    assert!(
        page.body.contains(&format!("{points} points")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("Speed bonus: +{bonus}")));
    send(s, post(&format!("/t/{tok}/next"), None, &[])).await;
    send(s, post(&format!("/t/{tok}/close"), None, &[])).await;
    send(s, post(&format!("/t/{tok}/finish"), None, &[])).await;
    let screen = send(s, get(&format!("/t/{tok}/screen"), None)).await;
    assert!(screen.body.contains("Points"), "{}", screen.body);
    // It survives a restart, as every teacher setting does.
    let again = serve_dir(t.dir.path(), true, limits());
    assert!(again.class.read(|c| c.speed_bonus));
    // The result files and the report score right answers only.
    let r = send(s, post(&format!("/t/{tok}/export"), None, &[])).await;
    assert_eq!(r.status, StatusCode::OK);
    let files = std::fs::read_dir(t.dir.path().join("data/results")).unwrap();
    for f in files {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
        assert!(!text.contains("points") && !text.contains("bonus"));
    }
    let report = docket::app::quiz::report(&docket::app::quiz::ReportRequest {
        key: t.dir.path().join("quiz.key.json"),
        results: vec![t.dir.path().join("data/results")],
        receipts: None,
        min_class_size: 5,
    })
    .unwrap();
    let scores: Vec<usize> = report.report.students.iter().map(|s| s.score).collect();
    assert_eq!(scores, [1, 1]);
}

/// A raw TCP client (blocking, on its own thread): sends `prefix`, then
/// one byte of `trickle` every `pace`, and reports whether the server
/// closed the connection before the trickle ran out.
fn cut_off(
    addr: std::net::SocketAddr,
    prefix: &'static [u8],
    trickle: Vec<u8>,
    pace: std::time::Duration,
) -> bool {
    use std::io::Read;
    use std::io::Write;
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(pace)).unwrap();
    c.write_all(prefix).unwrap();
    let mut buf = [0u8; 1024];
    for b in trickle {
        match c.read(&mut buf) {
            // Closed (end of file or a reset), or answered: cut off.
            Ok(_) => return true,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
        if c.write_all(&[b]).is_err() {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn a_client_that_sends_its_headers_slowly_or_not_at_all_is_cut_off() {
    let t = make_class(2, false, limits());
    let bounds = docket::web::Bounds {
        header_read_timeout: std::time::Duration::from_millis(200),
        ..docket::web::Bounds::default()
    };
    drop(t.state);
    let state = serve_dir_with(t.dir.path(), false, limits(), bounds);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(docket::web::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let pace = std::time::Duration::from_millis(50);
    // Headers a byte at a time, never finished: 200 bytes at 50 ms would
    // take 10 s; the server closes the connection after 200 ms.
    let endless = b"X-Slow: ".repeat(25);
    let trickled = tokio::task::spawn_blocking(move || {
        cut_off(addr, b"GET / HTTP/1.1\r\nHost: x\r\n", endless, pace)
    });
    assert!(
        trickled.await.unwrap(),
        "a trickle of header bytes was not cut off"
    );
    // A connection that sends nothing at all is closed too (the bound of
    // 10 s only keeps a broken server from hanging the test).
    let idle = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 16];
        match c.read(&mut buf) {
            Ok(n) => n == 0,
            Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
        }
    });
    assert!(idle.await.unwrap(), "an idle connection was not closed");
    // An ordinary request on the same server is answered.
    let reply = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        use std::io::Write;
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut reply = String::new();
        c.read_to_string(&mut reply).unwrap();
        reply
    })
    .await
    .unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    // A live-update stream is a response, not headers: it outlives the
    // header timeout (three times over here) and is not cut.
    let tok = teacher_token(&state);
    let stream = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        use std::io::Write;
        let mut c = std::net::TcpStream::connect(addr).unwrap();
        write!(c, "GET /t/{tok}/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        // Read until the first event has arrived whole.
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        // (Chunked: the event ends with a blank line, then the chunk's CRLF.)
        let whole = |b: &[u8]| {
            let t = String::from_utf8_lossy(b);
            t.split_once("event: update")
                .is_some_and(|(_, rest)| rest.contains("\n\n"))
        };
        while !whole(&got) {
            let n = c.read(&mut buf).unwrap();
            assert!(n > 0, "closed before the first event");
            got.extend_from_slice(&buf[..n]);
        }
        c.set_read_timeout(Some(std::time::Duration::from_millis(600)))
            .unwrap();
        let mut more = [0u8; 64];
        let after = c.read(&mut more);
        (String::from_utf8_lossy(&got).into_owned(), after)
    })
    .await
    .unwrap();
    assert!(stream.0.starts_with("HTTP/1.1 200"), "{}", stream.0);
    assert!(
        matches!(&stream.1, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "the stream was closed or sent more: {:?}",
        stream.1
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
