//! Headless Chromium for the page's tests: chromedriver and a session (or a skip where they
//! are missing, unless LIVEWINDOW_REQUIRE_BROWSER=1), screenshots into target/browser/, and
//! small readers of the page.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::free_port;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver and a headless Chromium session, or None (skipped) where they are missing.
pub async fn browser() -> Option<(Driver, Client, String, tempfile::TempDir)> {
    let present =
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        if std::env::var("LIVEWINDOW_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("chromium and chromium-driver are required (LIVEWINDOW_REQUIRE_BROWSER=1)");
        }
        println!("skipped: no {CHROMIUM} or {CHROMEDRIVER}");
        return None;
    }
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1000,900",
                     format!("--user-data-dir={}", profile.path().display())],
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    // A test server on https has a certificate of the test's own making.
    caps.insert("acceptInsecureCerts".into(), json!(true));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&webdriver)
            .await
        {
            Ok(client) => return Some((driver, client, webdriver, profile)),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot start a Chromium session: {last:?}");
}

pub fn shots() -> PathBuf {
    let dir = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
        .join("browser");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    let path = shots().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    println!("screenshot: {}", path.display());
}

pub async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.expect("script")
}

/// Waits until the element's text contains `needle`.
pub async fn wait_text(c: &Client, css: &str, needle: &str, secs: u64) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    let mut last = String::new();
    while std::time::Instant::now() < deadline {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
        {
            if text.contains(needle) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed {needle:?}; it shows {last:?}");
}

/// Fills the pre-chat form and starts; gives the chat's id.
pub async fn start_on_page(c: &Client, base: &str, name: &str) -> i64 {
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait()
        .for_element(Locator::Css("#prechat:not([hidden])"))
        .await
        .unwrap();
    c.find(Locator::Css("#name"))
        .await
        .unwrap()
        .send_keys(name)
        .await
        .unwrap();
    c.find(Locator::Css("#email"))
        .await
        .unwrap()
        .send_keys("ana@example.com")
        .await
        .unwrap();
    c.find(Locator::Css("#start"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_text(c, "#status", "Waiting for an agent", 10).await;
    let id = js(c, "return localStorage.getItem('livewindow.chat')").await;
    id.as_str().and_then(|s| s.parse().ok()).expect("chat id")
}

pub async fn type_and_send(c: &Client, text: &str) {
    let box_ = c.find(Locator::Css("#message")).await.unwrap();
    box_.send_keys(&format!("{text}\u{E007}")).await.unwrap(); // Enter sends
}

/// The transcript's stored messages, as (id, text).
pub async fn transcript(c: &Client) -> Vec<(i64, String)> {
    let v = js(
        c,
        "return [...document.querySelectorAll('#transcript li[data-id]')]\
         .map(li => [Number(li.dataset.id), li.innerText]);",
    )
    .await;
    v.as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                p[0].as_i64().unwrap_or(0),
                p[1].as_str().unwrap_or("").into(),
            )
        })
        .collect()
}

pub fn assert_in_order_once(list: &[(i64, String)]) {
    let ids: Vec<i64> = list.iter().map(|(id, _)| *id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "messages once each, in id order");
}

pub fn tiny_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(48, 24, |x, _| {
        if x < 24 {
            image::Rgb([200, 30, 30])
        } else {
            image::Rgb([30, 90, 200])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}
