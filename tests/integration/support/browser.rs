//! A scripted browser: `$BROWSER` is a tiny shell script that hands the URL over through a
//! file, and [`Agent`] follows the reference server's login pages like a browser (forms,
//! cookies, redirects, the Origin header a browser sends, and the approval page's one fetch of
//! the CLI's loopback).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct BrowserScript {
    /// What `$BROWSER` is set to.
    pub command: String,
    urls: PathBuf,
}

impl BrowserScript {
    #[cfg(unix)]
    pub fn install(dir: &Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let urls = dir.join("opened-urls");
        let script = dir.join("browser.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        Self {
            command: script.display().to_string(),
            urls,
        }
    }

    /// Windows: `$BROWSER` runs this test binary again with only [`browser_stand_in`] selected;
    /// the URL file and the URL follow as filters that name no test. (A batch file cannot
    /// be used: Wine's cmd splits a URL at its `&`.)
    #[cfg(windows)]
    pub fn install(dir: &Path) -> Self {
        let urls = dir.join("opened-urls");
        let exe = std::env::current_exe().expect("the test binary's path");
        let command = format!(
            "'{}' support::browser::browser_stand_in --exact --quiet '{}'",
            exe.display(),
            urls.display()
        );
        Self { command, urls }
    }

    /// The URLs the CLI asked the browser to open so far.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(&self.urls)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    pub fn wait_for_url(&self, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            if let Some(url) = self.opened().into_iter().next() {
                return url;
            }
            assert!(
                started.elapsed() < timeout,
                "the CLI never opened the browser"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub url: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

impl Page {
    pub fn forms(&self) -> Vec<Form> {
        parse_forms(&self.body)
            .into_iter()
            .map(|mut form| {
                form.action = resolve(&self.url, &form.action);
                form
            })
            .collect()
    }

    pub fn form_to(&self, suffix: &str) -> Form {
        self.forms()
            .into_iter()
            .find(|f| f.action.ends_with(suffix))
            .unwrap_or_else(|| panic!("no form posting to *{suffix} on {}", self.url))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Agent {
    client: reqwest::blocking::Client,
    cookie: Option<String>,
}

impl Agent {
    pub fn new() -> Self {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Self {
            client,
            cookie: None,
        }
    }

    pub fn get(&mut self, url: &str) -> Page {
        let mut request = self.client.get(url);
        if let Some(cookie) = &self.cookie {
            request = request.header("Cookie", cookie);
        }
        self.finish(url, request)
    }

    /// Submits a form as a top-level navigation from a page of `origin`.
    pub fn submit(&mut self, form: &Form, origin: &str) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.fields.iter())
            .finish();
        let mut request = self
            .client
            .post(&form.action)
            .header("Origin", origin)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(cookie) = &self.cookie {
            request = request.header("Cookie", cookie);
        }
        self.finish(&form.action, request)
    }

    fn finish(&mut self, url: &str, request: reqwest::blocking::RequestBuilder) -> Page {
        let response = request
            .send()
            .unwrap_or_else(|e| panic!("request to {url} failed: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        if let Some(cookie) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            self.cookie = cookie.split(';').next().map(str::to_owned);
        }
        let body = response.text().unwrap_or_default();
        if status == 303 {
            let location = headers["location"].to_str().unwrap().to_owned();
            return self.get(&resolve(url, &location));
        }
        Page {
            status,
            url: url.to_owned(),
            headers,
            body,
        }
    }
}

/// Signs in and approves the login at `url` as a person would, doing what the approval page's
/// script does first: fetch the CLI's loopback and put the flow id it answers into the form.
/// Returns the page the approval answers.
pub fn approve(agent: &mut Agent, url: &str, web_origin: &str) -> Page {
    let page = approval_page(agent, url, web_origin);
    let mut form = page.form_to("/approve");
    let port = loopback_port(&page.body);
    let checked = agent.get(&format!("http://localhost:{port}/"));
    assert_eq!(checked.status, 200, "the CLI's loopback: {}", checked.body);
    assert_eq!(checked.header("access-control-allow-origin"), Some("*"));
    for field in &mut form.fields {
        if field.0 == "loopback" {
            field.1 = checked.body.clone();
        }
    }
    agent.submit(&form, web_origin)
}

/// Signs in and denies the login at `url`.
pub fn deny(agent: &mut Agent, url: &str, web_origin: &str) -> Page {
    let page = approval_page(agent, url, web_origin);
    agent.submit(&page.form_to("/deny"), web_origin)
}

/// Follows the sign-in to the approval page.
pub fn approval_page(agent: &mut Agent, url: &str, web_origin: &str) -> Page {
    let sign_in = agent.get(url);
    assert_eq!(sign_in.status, 200, "{}", sign_in.body);
    agent.submit(&sign_in.form_to("/signin"), web_origin)
}

/// The loopback port the approval page's script fetches.
pub fn loopback_port(html: &str) -> u16 {
    let start = html
        .find("http://localhost:")
        .expect("the page checks the loopback")
        + "http://localhost:".len();
    let digits: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a port")
}

/// Resolves an absolute path or URL against the page's URL.
fn resolve(base: &str, target: &str) -> String {
    if target.contains("://") {
        return target.to_owned();
    }
    let origin_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[origin_end..]
        .find('/')
        .map_or(base.len(), |i| origin_end + i);
    format!("{}{target}", &base[..path_start])
}

/// Forms with their action and their hidden inputs, as the dashboard writes them.
fn parse_forms(html: &str) -> Vec<Form> {
    let mut forms = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<form") {
        let end = rest[start..]
            .find("</form>")
            .map_or(rest.len(), |e| start + e);
        let chunk = &rest[start..end];
        let action = attribute(chunk, "action").unwrap_or_default();
        let mut fields = Vec::new();
        let mut inputs = chunk;
        while let Some(i) = inputs.find("<input") {
            let tag_end = inputs[i..].find('>').map_or(inputs.len(), |e| i + e);
            let tag = &inputs[i..tag_end];
            if let Some(name) = attribute(tag, "name") {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
            inputs = &inputs[tag_end..];
        }
        forms.push(Form { action, fields });
        rest = &rest[end..];
    }
    forms
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The browser of the Windows tests (see [`BrowserScript::install`]): appends the URL (the
/// last argument) to the file named before it. Run as a test of its own, it does nothing.
#[cfg(windows)]
#[test]
fn browser_stand_in() {
    use std::io::Write;
    let args: Vec<String> = std::env::args().collect();
    let [.., urls, url] = &args[..] else { return };
    if !urls.ends_with("opened-urls") {
        return;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(urls)
        .expect("open the URL file");
    writeln!(file, "{url}").expect("record the URL");
}
