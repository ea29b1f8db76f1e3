//! Just enough of the W3C WebDriver protocol to drive chromedriver: a session, navigation,
//! finding and clicking elements, reading text, screenshots. It talks JSON over loopback HTTP
//! with the reqwest the crate already has, instead of pulling in an async client and its runtime.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const INSTALL: &str = "apt-get install chromium chromium-driver";

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    process: Child,
    base: String,
    client: reqwest::blocking::Client,
}

pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Driver {
    /// Starts chromedriver on a free loopback port. Fails (never skips) when Chromium or
    /// chromedriver is missing.
    pub fn start() -> Self {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: install it with `{INSTALL}` (the browser tests need Debian's Chromium)"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("could not start {CHROMEDRIVER}: {e}; install it with `{INSTALL}`")
            });
        let client = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let driver = Self {
            process,
            base: format!("http://127.0.0.1:{port}"),
            client,
        };
        let started = Instant::now();
        while driver.get("/status").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .map_err(|e| e.to_string())?;
        response.json::<Value>().map_err(|e| e.to_string())
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"));
        let value: Value = response.json().unwrap();
        if let Some(error) = value["value"]["error"].as_str() {
            panic!("webdriver {path}: {error}: {}", value["value"]["message"]);
        }
        value["value"].clone()
    }

    /// A headless Chromium with a fresh profile, kept off the network; `javascript: false`
    /// turns scripts off, as in a browser without script.
    pub fn session(&self, profile_dir: &Path, javascript: bool) -> Session<'_> {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--window-size=900,700",
            &format!("--user-data-dir={}", profile_dir.display()),
        ];
        let value = self.post(
            "/session",
            json!({
                "capabilities": {
                    "alwaysMatch": {
                        "browserName": "chrome",
                        "goog:chromeOptions": {
                            "binary": CHROMIUM,
                            "args": args,
                            "prefs": {
                                "profile.managed_default_content_settings.javascript":
                                    if javascript { 1 } else { 2 },
                            },
                        },
                    }
                }
            }),
        );
        Session {
            driver: self,
            id: value["sessionId"]
                .as_str()
                .expect("a session id")
                .to_owned(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Session<'_> {
    fn post(&self, path: &str, body: Value) -> Value {
        self.driver
            .post(&format!("/session/{}{path}", self.id), body)
    }

    fn get(&self, path: &str) -> Value {
        let value = self
            .driver
            .get(&format!("/session/{}{path}", self.id))
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"));
        value["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    pub fn url(&self) -> String {
        self.get("/url").as_str().unwrap_or_default().to_owned()
    }

    pub fn source(&self) -> String {
        self.get("/source").as_str().unwrap_or_default().to_owned()
    }

    /// The element matching `css`, waiting for it up to `timeout`.
    pub fn find(&self, css: &str, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let found = self
                .driver
                .client
                .post(format!("{}/session/{}/element", self.driver.base, self.id))
                .json(&json!({ "using": "css selector", "value": css }))
                .send()
                .ok()
                .and_then(|r| r.json::<Value>().ok());
            if let Some(id) = found.as_ref().and_then(|v| v["value"][ELEMENT].as_str()) {
                return id.to_owned();
            }
            assert!(
                started.elapsed() < timeout,
                "no element {css} on {} after {timeout:?}:\n{}",
                self.url(),
                self.source()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}));
    }

    pub fn text(&self, element: &str) -> String {
        self.get(&format!("/element/{element}/text"))
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the page's text contains `needle`.
    pub fn wait_for_text(&self, needle: &str, timeout: Duration) {
        let started = Instant::now();
        while !self.source().contains(needle) {
            assert!(
                started.elapsed() < timeout,
                "the page at {} never showed {needle:?}:\n{}",
                self.url(),
                self.source()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the element `css` shows exactly `text` (what a person sees, not the source).
    pub fn wait_for_element_text(&self, css: &str, text: &str, timeout: Duration) {
        let started = Instant::now();
        loop {
            let shown = self.text(&self.find(css, timeout));
            if shown == text {
                return;
            }
            assert!(
                started.elapsed() < timeout,
                "{css} shows {shown:?}, never {text:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let encoded = self.get("/screenshot");
        let png = decode_base64(encoded.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let _ = self
            .driver
            .client
            .delete(format!("{}/session/{}", self.driver.base, self.id))
            .send();
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
    {
        let value = ALPHABET.iter().position(|&a| a == byte).expect("base64") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}
