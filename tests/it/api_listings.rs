//! Listings over the JSON API: search with `/search`'s filters and `Link` pagination, one
//! listing with its `ETag` (304), drafts hidden from everyone but their host, availability,
//! quotes, reviews; and the OpenAPI document (checked as OpenAPI 3.1) with Swagger UI.

use std::collections::BTreeSet;

use roost::pricing::{self, PricingPolicy, Rates};
use serde_json::{Value, json};

use crate::{
    api::{Client, json_of, problem},
    fixtures::{self, ListingSpec},
    search::{block, day, spec},
    support::TestApp,
};

#[tokio::test]
async fn search_answers_with_money_in_minor_units_and_links_to_the_next_page() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "hana@example.com", true).await;
    for n in 0..21 {
        fixtures::listing(&app, host, spec(&format!("Loft {n}"), "Lisbon", "Portugal")).await;
    }
    fixtures::listing(&app, host, spec("Canal house", "Amsterdam", "Netherlands")).await;
    let client = Client::visitor(&app).await;

    let response = client
        .get(&format!(
            "/api/v1/listings?location=Lisbon&check_in={}&check_out={}&guests=2",
            day(10),
            day(13)
        ))
        .await;
    let link = response
        .headers()
        .get("link")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_string();
    let page = json_of(response, 200).await;
    let listings = page["listings"].as_array().expect("listings");
    assert_eq!(listings.len(), 20);
    assert!(listings.iter().all(|l| l["city"] == "Lisbon"), "{page}");
    assert_eq!(page["page"]["has_next"], true);
    assert!(link.contains("page=2>; rel=\"next\""), "{link}");
    assert!(link.contains("location=Lisbon"), "{link}");
    let first = &listings[0];
    assert_eq!(first["nightly_price"]["amount"], 12000);
    assert_eq!(first["nightly_price"]["currency"], "EUR");
    assert!(first["nightly_price"]["formatted"].is_string());
    let rates = Rates {
        nightly_price: 12_000,
        cleaning_fee: 3_000,
        weekly_discount_pct: 10,
        monthly_discount_pct: 20,
        currency: "EUR".into(),
    };
    let total = pricing::quote(&rates, 3, &PricingPolicy::default()).total_amount;
    assert_eq!(first["total_price"]["amount"], total);
    assert_eq!(first["nights"], 3);

    let second = json_of(
        client.get("/api/v1/listings?location=Lisbon&page=2").await,
        200,
    )
    .await;
    assert_eq!(second["listings"].as_array().map(Vec::len), Some(1));
    assert_eq!(second["page"]["has_next"], false);

    // A filter that cannot be understood is named, not silently dropped.
    let (_, body) = problem(
        client.get("/api/v1/listings?guests=0&sort=cheapest").await,
        422,
    )
    .await;
    let fields: BTreeSet<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    assert_eq!(fields, BTreeSet::from(["guests", "sort"]), "{body}");
}

#[tokio::test]
async fn a_listing_reads_with_an_etag_and_a_draft_is_404_for_everyone_but_its_host() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "ines@example.com", true).await;
    fixtures::user(&app, "other@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    let draft = fixtures::listing(
        &app,
        host,
        ListingSpec {
            status: "draft".into(),
            ..ListingSpec::default()
        },
    )
    .await;
    let visitor = Client::visitor(&app).await;

    let response = visitor.get(&format!("/api/v1/listings/{id}")).await;
    let etag = response
        .headers()
        .get("etag")
        .and_then(|value| value.to_str().ok())
        .expect("ETag")
        .to_string();
    let listing = json_of(response, 200).await;
    assert_eq!(listing["id"], id);
    assert_eq!(listing["timezone"], "Europe/Amsterdam");
    assert_eq!(listing["nightly_price"]["amount"], 12000);
    assert_eq!(listing["cleaning_fee"]["currency"], "EUR");
    assert_eq!(listing["host"]["name"], "ines");
    assert!(
        listing["host"].get("email").is_none(),
        "public profile only"
    );
    assert_eq!(listing["rating"]["count"], 0);
    assert!(listing["rating"]["overall"].is_null());

    let again = visitor
        .browser
        .client
        .get(visitor.browser.url(&format!("/api/v1/listings/{id}")))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), 304);
    let other_tag = visitor
        .browser
        .client
        .get(visitor.browser.url(&format!("/api/v1/listings/{id}")))
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .expect("GET");
    assert_eq!(other_tag.status(), 200);

    let path = format!("/api/v1/listings/{draft}");
    problem(visitor.get(&path).await, 404).await;
    let other = Client::signed_in(&app, "other@example.com").await;
    problem(other.get(&path).await, 404).await;
    problem(
        other
            .get(&format!(
                "{path}/quote?check_in={}&check_out={}",
                day(3),
                day(5)
            ))
            .await,
        404,
    )
    .await;
    problem(other.get(&format!("{path}/availability")).await, 404).await;
    problem(other.get(&format!("{path}/reviews")).await, 404).await;
    let owner = Client::signed_in(&app, "ines@example.com").await;
    assert_eq!(
        json_of(owner.get(&path).await, 200).await["status"],
        "draft"
    );
    problem(visitor.get("/api/v1/listings/999999").await, 404).await;
}

#[tokio::test]
async fn availability_quotes_and_reviews_of_a_listing() {
    let app = TestApp::spawn().await;
    let host = fixtures::user(&app, "jon@example.com", true).await;
    let id = fixtures::listing(&app, host, ListingSpec::default()).await;
    block(&app, id, day(5), day(8)).await;
    let client = Client::visitor(&app).await;

    let shown = json_of(
        client
            .get(&format!(
                "/api/v1/listings/{id}/availability?from={}&to={}",
                day(1),
                day(30)
            ))
            .await,
        200,
    )
    .await;
    assert_eq!(
        shown["taken"],
        json!([{"start": day(5).to_string(), "end": day(8).to_string()}])
    );
    let (_, body) = problem(
        client
            .get(&format!("/api/v1/listings/{id}/availability?from=tomorrow"))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "from");
    problem(
        client
            .get(&format!(
                "/api/v1/listings/{id}/availability?from={}&to={}",
                day(1),
                day(500)
            ))
            .await,
        422,
    )
    .await;

    let quote = json_of(
        client
            .get(&format!(
                "/api/v1/listings/{id}/quote?check_in={}&check_out={}&guests=2",
                day(10),
                day(17)
            ))
            .await,
        200,
    )
    .await;
    assert_eq!(quote["nights"], 7);
    assert_eq!(quote["discount_pct"], 10);
    let expected = pricing::quote(
        &Rates {
            nightly_price: 12_000,
            cleaning_fee: 3_000,
            weekly_discount_pct: 10,
            monthly_discount_pct: 20,
            currency: "EUR".into(),
        },
        7,
        &PricingPolicy::default(),
    );
    assert_eq!(quote["total"]["amount"], expected.total_amount);
    assert_eq!(quote["check_in"], day(10).to_string());
    // Taken nights are refused with the quote's sentence; a missing date is named.
    let (_, taken) = problem(
        client
            .get(&format!(
                "/api/v1/listings/{id}/quote?check_in={}&check_out={}",
                day(6),
                day(9)
            ))
            .await,
        422,
    )
    .await;
    assert!(
        taken["detail"]
            .as_str()
            .unwrap_or("")
            .contains("not available"),
        "{taken}"
    );
    let (_, missing) = problem(
        client.get(&format!("/api/v1/listings/{id}/quote")).await,
        422,
    )
    .await;
    assert_eq!(missing["errors"][0]["field"], "check_in");

    let reviews = json_of(
        client.get(&format!("/api/v1/listings/{id}/reviews")).await,
        200,
    )
    .await;
    assert_eq!(reviews["reviews"], json!([]));
    assert_eq!(reviews["page"]["per_page"], 10);
    let (_, body) = problem(
        client
            .get(&format!("/api/v1/listings/{id}/reviews?per_page=101"))
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "per_page");
}

/// Every `$ref` in `value` that points into the document.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target.clone());
            }
            map.values().for_each(|inner| refs(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|inner| refs(inner, found)),
        _ => {}
    }
}

/// The document checked against what OpenAPI 3.1 requires of it (no Rust crate validates 3.1
/// with its JSON Schema 2020-12 dialect; this checks the structure the specification
/// requires and that every reference resolves), and, where Python's `openapi-spec-validator`
/// is installed, by that validator too.
#[tokio::test]
async fn the_openapi_document_is_valid_openapi_3_1_and_swagger_ui_runs_under_the_csp() {
    let app = TestApp::spawn().await;
    let client = Client::visitor(&app).await;
    let document = json_of(client.get("/api/v1/openapi.json").await, 200).await;
    assert!(
        document["openapi"]
            .as_str()
            .unwrap_or("")
            .starts_with("3.1."),
        "{}",
        document["openapi"]
    );
    assert!(document["info"]["title"].is_string() && document["info"]["version"].is_string());
    let paths = document["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/session",
        "/api/v1/listings",
        "/api/v1/listings/{id}",
        "/api/v1/listings/{id}/availability",
        "/api/v1/listings/{id}/quote",
        "/api/v1/listings/{id}/reviews",
        "/api/v1/me/wishlist",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    for (path, item) in paths {
        assert!(path.starts_with('/'), "{path}");
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            assert!(!responses.is_empty(), "{method} {path} has no responses");
            for (status, response) in responses {
                assert!(
                    status.len() == 3 && status.parse::<u16>().is_ok(),
                    "{status}"
                );
                assert!(
                    response["description"].is_string(),
                    "{method} {path} {status}"
                );
            }
            // Every path parameter is declared, required, in the path.
            for name in path
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split('}').next())
            {
                let declared = operation["parameters"].as_array().is_some_and(|params| {
                    params
                        .iter()
                        .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true)
                });
                assert!(declared, "{method} {path}: {{{name}}} is not declared");
            }
        }
    }
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["csrf"]["name"], "X-CSRF-Token");
    let problem_schema = &document["components"]["schemas"]["Problem"];
    for member in ["type", "title", "status", "detail"] {
        assert!(
            problem_schema["properties"][member].is_object(),
            "Problem lacks {member}"
        );
    }
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(
            document.pointer(pointer).is_some(),
            "{target} does not resolve"
        );
    }
    let page = client.get("/api/docs").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = page.text().await.expect("html");
    let parsed = scraper::Html::parse_document(&html);
    let scripts = scraper::Selector::parse("script").expect("selector");
    let sources: Vec<String> = parsed
        .select(&scripts)
        .map(|script| {
            assert!(script.inner_html().trim().is_empty(), "an inline script");
            script.value().attr("src").expect("src").to_string()
        })
        .collect();
    assert!(!html.contains("style="), "an inline style");
    for source in sources {
        let response = client.get(&source).await;
        assert_eq!(response.status(), 200, "{source}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .to_string();
        assert!(kind.contains("javascript"), "{source}: {kind}");
    }
    assert_eq!(client.get("/api/docs/swagger-ui.css").await.status(), 200);
    problem(client.get("/api/docs/index.html").await, 404).await;
    let home = app.get("/").await.text().await.expect("home");
    assert!(
        home.contains("href=\"/api/docs\""),
        "the footer links the API docs"
    );
    // Last: it blocks this thread for as long as Python takes, and a kept-alive connection
    // idle for longer is closed by the server just as the next request would reuse it.
    validate_with_python(&document);
}

/// Runs Python's `openapi-spec-validator` on the document when it is installed.
fn validate_with_python(document: &Value) {
    let available = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        eprintln!("openapi-spec-validator not installed: structural checks only");
        return;
    }
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), document.to_string()).expect("write the document");
    let output = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(file.path())
        .output()
        .expect("run the validator");
    assert!(
        output.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
