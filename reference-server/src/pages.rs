//! The login pages: plain forms that a browser without script can complete.

use crate::html::escape;

/// A page and the Content-Security-Policy it needs.
pub struct Page {
    pub html: String,
    pub csp: String,
}

fn layout(nonce: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Modal (reference server)</title><style nonce=\"{nonce}\">\
body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}}\
h1{{font-size:1.4rem}}.code{{font:600 2rem ui-monospace,monospace;letter-spacing:.15em;padding:.6rem 1rem;border:2px solid #7fee64;border-radius:.5rem;display:inline-block}}\
.muted{{color:#666}}form{{display:inline-block;margin:1rem 1rem 0 0}}\
button{{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}}\
button.primary{{background:#7fee64;border-color:#4caf50}}</style></head><body>\
<p class=\"muted\">Modal · reference server for modal-setup</p><h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    )
}

fn csp(nonce: &str, connect: &str) -> String {
    format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src {connect}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

pub fn sign_in(nonce: &str, csrf: &str, next: &str, user: &str) -> Page {
    let body = format!(
        "<p>Sign in to approve a login from the command line.</p>\
<form method=\"post\" action=\"/signin\">{}{}<button class=\"primary\" id=\"signin\" type=\"submit\">Continue as {}</button></form>",
        hidden("csrf", csrf),
        hidden("next", next),
        escape(user)
    );
    Page {
        html: layout(nonce, "Sign in", &body),
        csp: csp(nonce, "'none'"),
    }
}

pub struct Approval<'a> {
    pub flow_id: &'a str,
    pub csrf: &'a str,
    pub code: &'a str,
    /// TokenFlowCreate's `utm_source`: the client that asks.
    pub source: &'a str,
    /// The CLI's loopback port, which the page checks before approving.
    pub localhost_port: u16,
    pub workspace: &'a str,
    pub user: &'a str,
}

/// The approval page. Its script fetches the CLI's loopback (`http://localhost:PORT/`) and
/// puts the flow id it answers into the approve form; without script the field stays empty
/// and the server checks the loopback itself.
pub fn approve(nonce: &str, a: &Approval<'_>) -> Page {
    let form = |action: &str, label: &str, id: &str, class: &str, extra: &str| {
        format!(
            "<form method=\"post\" action=\"/token-flow/{}/{action}\">{}{extra}<button id=\"{id}\" class=\"{class}\" type=\"submit\">{label}</button></form>",
            escape(a.flow_id),
            hidden("csrf", a.csrf)
        )
    };
    let source = if a.source.is_empty() {
        "a command-line client"
    } else {
        a.source
    };
    let body = format!(
        "<p>Signed in as <b>{user}</b>. <b>{source}</b> asks for a new token for workspace <b>{workspace}</b>.</p>\
<p>Check that your terminal shows this code:</p><p class=\"code\" id=\"code\">{code}</p>\
<p class=\"muted\" id=\"loopback-status\">Checking that the CLI runs on this computer (port {port})…</p>{approve}{deny}\
<script nonce=\"{nonce}\">\
fetch('http://localhost:{port}/',{{cache:'no-store'}}).then(r=>r.ok?r.text():Promise.reject(r.status))\
.then(id=>{{document.getElementById('loopback').value=id;document.getElementById('loopback-status').textContent=\
id==='{flow}'?'The CLI that started this login runs on this computer.':'The CLI on this computer runs another login.';}})\
.catch(()=>{{document.getElementById('loopback-status').textContent='The CLI did not answer on this computer; approving will check again.';}});\
</script>",
        user = escape(a.user),
        workspace = escape(a.workspace),
        code = escape(a.code),
        source = escape(source),
        port = a.localhost_port,
        flow = escape(a.flow_id),
        approve = form(
            "approve",
            "Approve",
            "approve",
            "primary",
            "<input type=\"hidden\" name=\"loopback\" id=\"loopback\" value=\"\">"
        ),
        deny = form("deny", "Deny", "deny", "", ""),
    );
    let loopback = format!(
        "http://localhost:{port} http://127.0.0.1:{port} http://[::1]:{port}",
        port = a.localhost_port
    );
    Page {
        html: layout(nonce, "Approve the login", &body),
        csp: csp(nonce, &loopback),
    }
}

pub fn message(nonce: &str, title: &str, text: &str) -> Page {
    Page {
        html: layout(nonce, title, &format!("<p>{}</p>", escape(text))),
        csp: csp(nonce, "'none'"),
    }
}
