//! The dashboard's HTML pages: plain forms that a browser without script can complete.

use crate::html::escape;

/// A page and the Content-Security-Policy and Referrer-Policy it needs.
pub struct Page {
    pub html: String,
    pub csp: String,
    pub referrer_policy: &'static str,
}

fn layout(nonce: &str, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title} · Modal (reference dashboard)</title><style nonce=\"{nonce}\">\
body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}}\
h1{{font-size:1.4rem}}.code{{font:600 2rem ui-monospace,monospace;letter-spacing:.15em;padding:.6rem 1rem;border:2px solid #7fee64;border-radius:.5rem;display:inline-block}}\
.muted{{color:#666}}form{{display:inline-block;margin:1rem 1rem 0 0}}\
button{{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #888;cursor:pointer}}\
button.primary{{background:#7fee64;border-color:#4caf50}}</style></head><body>\
<p class=\"muted\">Modal · reference dashboard for modal-setup</p><h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    )
}

fn csp(nonce: &str, form_action: &str) -> String {
    format!(
        "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; form-action {form_action}; base-uri 'none'; frame-ancestors 'none'"
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
        csp: csp(nonce, "'self'"),
        referrer_policy: "no-referrer",
    }
}

pub struct Approval<'a> {
    pub flow_id: &'a str,
    pub csrf: &'a str,
    pub device_name: &'a str,
    pub client: &'a str,
    pub code: &'a str,
    pub workspace: &'a str,
    pub user: &'a str,
}

pub fn approve(nonce: &str, a: &Approval<'_>) -> Page {
    let form = |action: &str, label: &str, id: &str, class: &str| {
        format!(
            "<form method=\"post\" action=\"/flows/{}/{action}\">{}<button id=\"{id}\" class=\"{class}\" type=\"submit\">{label}</button></form>",
            escape(a.flow_id),
            hidden("csrf", a.csrf)
        )
    };
    let body = format!(
        "<p>Signed in as <b>{user}</b>. <b>{device}</b> asks for a new token for workspace <b>{workspace}</b>.</p>\
<p>Check that your terminal shows this pairing code:</p><p class=\"code\" id=\"code\">{code}</p>\
<p class=\"muted\">Client: {client}</p>{approve}{deny}",
        user = escape(a.user),
        device = escape(a.device_name),
        workspace = escape(a.workspace),
        code = escape(a.code),
        client = escape(a.client),
        approve = form("approve", "Approve", "approve", "primary"),
        deny = form("deny", "Deny", "deny", ""),
    );
    Page {
        html: layout(nonce, "Approve the login", &body),
        csp: csp(nonce, "'self'"),
        referrer_policy: "no-referrer",
    }
}

/// The page that hands the answer to the CLI: a form posted to the loopback callback by a
/// top-level navigation, submitted by script, with a button for browsers without script.
pub fn handoff(
    nonce: &str,
    callback_url: &str,
    callback_origin: &str,
    fields: &[(&str, &str)],
    approved: bool,
) -> Page {
    let inputs: String = fields.iter().map(|(k, v)| hidden(k, v)).collect();
    let (title, text) = if approved {
        (
            "Login approved",
            "Handing the new token to modal-setup on your computer…",
        )
    } else {
        ("Login denied", "Telling modal-setup on your computer…")
    };
    let body = format!(
        "<p>{text}</p><form id=\"handoff\" method=\"post\" action=\"{action}\">{inputs}\
<button class=\"primary\" id=\"continue\" type=\"submit\">Continue to modal-setup</button></form>\
<script nonce=\"{nonce}\">document.getElementById('handoff').submit();</script>",
        action = escape(callback_url),
    );
    Page {
        html: layout(nonce, title, &body),
        csp: csp(nonce, callback_origin),
        // A browser sends `Origin: null` for a form post from a page with `no-referrer` (or,
        // from https to http, with the strict-origin policies); `origin` makes it send the
        // dashboard's origin, which the callback checks. Only the origin leaves, no path.
        referrer_policy: "origin",
    }
}

pub fn message(nonce: &str, title: &str, text: &str) -> Page {
    Page {
        html: layout(nonce, title, &format!("<p>{}</p>", escape(text))),
        csp: csp(nonce, "'none'"),
        referrer_policy: "no-referrer",
    }
}
