//! The account over the JSON API: the profile (fields it does not take refused by name), the
//! avatar upload, the password change (the current password is required, other sessions end),
//! the session list (ending one or all others really ends them, someone else's is never
//! found), forgotten passwords, becoming a host and deleting the account.

use std::io::Cursor;

use serde_json::{Value, json};

use crate::{
    api::{Client, confirm_address, json_of, problem, token_of},
    fixtures,
    support::TestApp,
};

/// A client signed in with `password`; `None` when the API refuses it (the status given).
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Client) {
    let mut client = Client::visitor(app).await;
    let response = client
        .send(
            "POST",
            "/api/v1/session",
            Some(json!({"email": email, "password": password})),
        )
        .await;
    let status = response.status().as_u16();
    if status == 200 {
        let body: Value = response.json().await.expect("session");
        client.token = body["csrf_token"].as_str().expect("token").to_string();
    }
    (status, client)
}

/// Whether the client's session still belongs to someone.
async fn signed_in(client: &Client) -> bool {
    let who = json_of(client.get("/api/v1/session").await, 200).await;
    who["user"].is_object()
}

fn png() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(64, 48)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

#[tokio::test]
async fn the_profile_and_avatar_change_through_the_api_and_other_fields_are_refused() {
    let app = TestApp::spawn().await;
    let id = fixtures::user(&app, "pia@example.com", false).await;
    let client = Client::signed_in(&app, "pia@example.com").await;
    let me = json_of(client.get("/api/v1/me").await, 200).await;
    assert_eq!(me["id"], id);
    assert_eq!(me["email"], "pia@example.com");

    let saved = json_of(
        client
            .send(
                "PATCH",
                "/api/v1/me",
                Some(json!({"bio": "Walks and bakeries."})),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(saved["bio"], "Walks and bakeries.");
    assert_eq!(saved["name"], "pia", "a field left out keeps its value");
    for field in ["email", "is_host", "is_admin", "email_verified"] {
        let (_, body) = problem(
            client
                .send(
                    "PATCH",
                    "/api/v1/me",
                    Some(json!({"name": "Pia", field: true})),
                )
                .await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{body}");
    }
    let (_, body) = problem(
        client
            .send("PATCH", "/api/v1/me", Some(json!({"name": "  "})))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "name", "{body}");
    let (_, body) = problem(
        client
            .send(
                "PATCH",
                "/api/v1/me",
                Some(json!({"bio": "nul \u{0} here"})),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "bio", "{body}");
    let me = json_of(client.get("/api/v1/me").await, 200).await;
    assert_eq!(
        (me["name"].as_str(), me["is_host"].as_bool()),
        (Some("pia"), Some(false))
    );

    // The avatar: multipart only, and then stored.
    problem(
        client
            .send("PUT", "/api/v1/me/avatar", Some(json!({"avatar": "x"})))
            .await,
        415,
    )
    .await;
    let part = reqwest::multipart::Part::bytes(png())
        .file_name("me.png")
        .mime_str("image/png")
        .expect("mime");
    let response = client
        .browser
        .client
        .put(client.browser.url("/api/v1/me/avatar"))
        .header("X-CSRF-Token", &client.token)
        .multipart(reqwest::multipart::Form::new().part("avatar", part))
        .send()
        .await
        .expect("upload");
    let me = json_of(response, 200).await;
    let avatar = me["avatar_url"].as_str().expect("avatar URL").to_string();
    assert_eq!(client.get(&avatar).await.status(), 200);
    let not_an_image = reqwest::multipart::Part::bytes(b"plain text".to_vec()).file_name("x.png");
    let response = client
        .browser
        .client
        .put(client.browser.url("/api/v1/me/avatar"))
        .header("X-CSRF-Token", &client.token)
        .multipart(reqwest::multipart::Form::new().part("avatar", not_an_image))
        .send()
        .await
        .expect("upload");
    let (_, body) = problem(response, 422).await;
    assert_eq!(body["errors"][0]["field"], "avatar", "{body}");
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "quin@example.com", false).await;
    let here = Client::signed_in(&app, "quin@example.com").await;
    let elsewhere = Client::signed_in(&app, "quin@example.com").await;

    let (_, body) = problem(
        here.send(
            "PUT",
            "/api/v1/me/password",
            Some(json!({"current_password": "not it at all", "password": "a new long passphrase"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "current_password", "{body}");
    assert!(signed_in(&elsewhere).await, "a refused change ends nothing");

    let response = here
        .send(
            "PUT",
            "/api/v1/me/password",
            Some(json!({"current_password": fixtures::PASSWORD, "password": "a new long passphrase"})),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert!(signed_in(&here).await, "this session continues");
    assert!(!signed_in(&elsewhere).await, "the other one ended");
    let (status, _) = sign_in(&app, "quin@example.com", fixtures::PASSWORD).await;
    assert_eq!(status, 422, "the old password is gone");
    let (status, _) = sign_in(&app, "quin@example.com", "a new long passphrase").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn ending_one_session_or_all_others_really_ends_them() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "rosa@example.com", false).await;
    fixtures::user(&app, "sven@example.com", false).await;
    let here = Client::signed_in(&app, "rosa@example.com").await;
    let phone = Client::signed_in(&app, "rosa@example.com").await;
    let laptop = Client::signed_in(&app, "rosa@example.com").await;
    let stranger = Client::signed_in(&app, "sven@example.com").await;

    let listed = json_of(here.get("/api/v1/me/sessions").await, 200).await;
    let sessions = listed["sessions"].as_array().expect("sessions").clone();
    assert_eq!(sessions.len(), 3, "{listed}");
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let others: Vec<String> = sessions
        .iter()
        .filter(|s| s["current"] == false)
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .collect();

    // Someone else cannot end them, nor learn whether they exist.
    for id in &others {
        let path = format!("/api/v1/me/sessions/{id}");
        problem(stranger.send("DELETE", &path, None).await, 404).await;
    }
    assert!(signed_in(&phone).await && signed_in(&laptop).await);

    // One of them, by its id.
    let first = format!("/api/v1/me/sessions/{}", others[0]);
    assert_eq!(here.send("DELETE", &first, None).await.status(), 204);
    problem(here.send("DELETE", &first, None).await, 404).await;
    let odd = "/api/v1/me/sessions/a%00b";
    problem(here.send("DELETE", odd, None).await, 404).await;
    let still: Vec<bool> = vec![signed_in(&phone).await, signed_in(&laptop).await];
    assert_eq!(still.iter().filter(|alive| **alive).count(), 1, "{still:?}");

    // Every other one.
    let ended = json_of(here.send("DELETE", "/api/v1/me/sessions", None).await, 200).await;
    assert_eq!(ended["ended"], 1);
    assert!(!signed_in(&phone).await && !signed_in(&laptop).await);
    assert!(signed_in(&here).await, "the asking session stays");
    assert!(signed_in(&stranger).await, "nobody else's session ends");
    let listed = json_of(here.get("/api/v1/me/sessions").await, 200).await;
    assert_eq!(listed["sessions"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_token_once() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "tess@example.com", false).await;
    let signed = Client::signed_in(&app, "tess@example.com").await;
    let visitor = Client::visitor(&app).await;
    for email in ["tess@example.com", "nobody@example.com"] {
        json_of(
            visitor
                .send(
                    "POST",
                    "/api/v1/password-reset-requests",
                    Some(json!({"email": email})),
                )
                .await,
            202,
        )
        .await;
    }
    assert!(app.last_email_to("nobody@example.com").await.is_none());
    let link = app
        .link_in_email("tess@example.com", "/password/reset")
        .await;
    let reset = json!({"token": token_of(&link), "password": "another long passphrase"});
    let response = visitor
        .send("POST", "/api/v1/password-resets", Some(reset.clone()))
        .await;
    assert_eq!(response.status(), 204);
    assert!(!signed_in(&signed).await, "every session ended");
    let again = Client::visitor(&app).await;
    problem(
        again
            .send("POST", "/api/v1/password-resets", Some(reset))
            .await,
        422,
    )
    .await;
    let (status, _) = sign_in(&app, "tess@example.com", "another long passphrase").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn hosting_needs_a_confirmed_address_and_deleting_needs_the_password() {
    let app = TestApp::spawn().await;
    let visitor = Client::visitor(&app).await;
    let signup = json!({"name": "Uma", "email": "uma@example.com", "password": fixtures::PASSWORD});
    json_of(
        visitor.send("POST", "/api/v1/users", Some(signup)).await,
        202,
    )
    .await;
    let uma = Client::signed_in(&app, "uma@example.com").await;
    let (_, body) = problem(uma.send("PUT", "/api/v1/me/host", None).await, 403).await;
    assert!(
        body["detail"].as_str().unwrap_or("").contains("confirm"),
        "{body}"
    );

    // A new link, then the address confirmed with it.
    json_of(
        uma.send("POST", "/api/v1/me/email-verification", None)
            .await,
        202,
    )
    .await;
    confirm_address(&app, &uma, "uma@example.com").await;
    let me = json_of(uma.send("PUT", "/api/v1/me/host", None).await, 200).await;
    assert_eq!(me["is_host"], true);

    let blockers = json_of(uma.get("/api/v1/me/deletion").await, 200).await;
    assert_eq!(blockers["blockers"], json!([]));
    let (_, body) = problem(
        uma.send(
            "DELETE",
            "/api/v1/me",
            Some(json!({"password": "wrong one"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    let response = uma
        .send(
            "DELETE",
            "/api/v1/me",
            Some(json!({"password": fixtures::PASSWORD})),
        )
        .await;
    assert_eq!(response.status(), 204);
    problem(uma.get("/api/v1/me").await, 401).await;
    let (status, _) = sign_in(&app, "uma@example.com", fixtures::PASSWORD).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn an_address_change_needs_the_password_and_the_new_address_confirms_it() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "vera@example.com", false).await;
    let vera = Client::signed_in(&app, "vera@example.com").await;
    let wrong = json!({"new_email": "vera.new@example.com", "email_password": "not mine"});
    let (_, body) = problem(
        vera.send("POST", "/api/v1/me/email", Some(wrong)).await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "email_password", "{body}");

    let right = json!({"new_email": "vera.new@example.com", "email_password": fixtures::PASSWORD});
    json_of(
        vera.send("POST", "/api/v1/me/email", Some(right)).await,
        202,
    )
    .await;
    let me = json_of(vera.get("/api/v1/me").await, 200).await;
    assert_eq!(
        me["email"], "vera@example.com",
        "nothing moves before the link"
    );
    let moved = confirm_address(&app, &vera, "vera.new@example.com").await;
    assert_eq!(moved["email"], "vera.new@example.com", "{moved}");
}

#[tokio::test]
async fn sign_ups_answer_alike_for_a_known_address_and_are_throttled_like_the_page() {
    let app = TestApp::spawn().await;
    fixtures::user(&app, "wim@example.com", false).await;
    let visitor = Client::visitor(&app).await;
    let known = json!({"name": "Wim", "email": "wim@example.com", "password": fixtures::PASSWORD});
    let new = json!({"name": "Xia", "email": "xia@example.com", "password": fixtures::PASSWORD});
    let a = json_of(
        visitor.send("POST", "/api/v1/users", Some(known)).await,
        202,
    )
    .await;
    let b = json_of(visitor.send("POST", "/api/v1/users", Some(new)).await, 202).await;
    assert_eq!(
        a["detail"].as_str().map(|d| d.replace("wim@", "xia@")),
        b["detail"].as_str().map(str::to_string),
        "the same answer"
    );
    let (subject, _) = app.last_email_to("wim@example.com").await.expect("a note");
    assert!(subject.contains("sign up"), "{subject}");

    let mut throttled = None;
    for n in 0..10 {
        let body = json!({"name": "Y", "email": format!("y{n}@example.com"), "password": fixtures::PASSWORD});
        let response = visitor.send("POST", "/api/v1/users", Some(body)).await;
        if response.status() == 429 {
            throttled = Some(response);
            break;
        }
        assert_eq!(response.status(), 202);
    }
    let (headers, _) = problem(throttled.expect("throttled within ten sign-ups"), 429).await;
    assert!(headers.contains_key("retry-after"));
}
