//! tests/interop/modal_server.py, run and driven from the tests: a Modal API server built on
//! the service base class Modal's package generates.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::modal_bin;

/// One call the server received.
#[derive(Clone, Debug)]
pub struct Call {
    pub rpc: String,
    pub headers: Vec<(String, String)>,
}

impl Call {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct ModalServer {
    child: Child,
    pub api_url: String,
    /// The plain-HTTP control port: its login pages are under it.
    pub control: String,
    http: reqwest::blocking::Client,
}

impl ModalServer {
    /// Starts the server with the virtualenv's python (next to MODAL_BIN).
    pub fn start() -> Self {
        let python = modal_bin().with_file_name("python");
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/modal_server.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "could not start {} ({e}): run the interop tests with tests/interop/run, which creates the virtualenv with `pip install modal==1.6.4`",
                    python.display()
                )
            });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut next = |prefix: &str| {
            let line = lines.next().expect("the server printed its ports").unwrap();
            line.strip_prefix(prefix)
                .unwrap_or_else(|| panic!("expected {prefix}…, got {line}"))
                .to_owned()
        };
        let api_url = next("API ");
        let control = next("CONTROL ");
        let http = reqwest::blocking::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Self {
            child,
            api_url,
            control,
            http,
        }
    }

    fn json(&self, request: reqwest::blocking::RequestBuilder) -> Value {
        let response = request.send().unwrap();
        assert!(response.status().is_success(), "{response:?}");
        response.json().unwrap()
    }

    /// A valid token pair.
    pub fn mint(&self) -> (String, String) {
        let token = self.json(self.http.post(format!("{}/mint", self.control)));
        (
            token["token_id"].as_str().unwrap().to_owned(),
            token["token_secret"].as_str().unwrap().to_owned(),
        )
    }

    pub fn revoked(&self, token_id: &str) -> bool {
        self.json(self.http.get(format!("{}/token/{token_id}", self.control)))["revoked"]
            .as_bool()
            .unwrap()
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        let calls = self.json(self.http.get(format!("{}/calls", self.control)));
        calls
            .as_array()
            .unwrap()
            .iter()
            .map(|call| Call {
                rpc: call["rpc"].as_str().unwrap().to_owned(),
                headers: call["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|pair| {
                        (
                            pair[0].as_str().unwrap().to_owned(),
                            pair[1].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    /// What TokenFlowCreate asked, from the login page at `web_url`.
    pub fn flow(&self, web_url: &str) -> Value {
        self.json(self.http.get(web_url))
    }

    /// What a browser does with the login page at `web_url`: fetch the CLI's loopback, then
    /// approve with what it answered.
    pub fn approve(&self, web_url: &str) {
        let port = self.flow(web_url)["port"].as_u64().unwrap();
        let checked = self
            .http
            .get(format!("http://localhost:{port}/"))
            .send()
            .unwrap();
        assert_eq!(checked.status().as_u16(), 200);
        let flow_id = checked.text().unwrap();
        let id = web_url.rsplit('/').next().unwrap();
        let approved = self
            .http
            .get(format!("{}/approve/{id}", self.control))
            .query(&[("loopback", flow_id.as_str())])
            .send()
            .unwrap();
        assert!(approved.status().is_success(), "{approved:?}");
    }
}

impl Drop for ModalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
