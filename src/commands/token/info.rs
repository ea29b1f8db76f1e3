//! `token info`: the credentials in effect, where each came from, and what the server says.

use serde_json::{Value, json};

use crate::api::WhoAmI;
use crate::commands::Context;
use crate::config::resolve::{Origin, Resolved};
use crate::env::{MODAL_TOKEN_ID, MODAL_TOKEN_SECRET};
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct InfoArgs {
    pub json: bool,
    pub verify: bool,
}

pub fn info(ctx: &Context, args: InfoArgs) -> Result<()> {
    let (path, _, config) = ctx.load()?;
    let resolved = ctx.resolve(&config, path);
    let (Some(token_id), Some(token_secret)) = (&resolved.token_id, &resolved.token_secret) else {
        return Err(no_token(&resolved));
    };
    let from_env = |origin: &Origin| matches!(origin, Origin::Env(_));
    match (from_env(&token_id.origin), from_env(&token_secret.origin)) {
        (true, false) => ctx.printer.warn(&format!(
            "{MODAL_TOKEN_ID} is set but {MODAL_TOKEN_SECRET} is not: the id comes from the environment and the secret from the {}; they may not belong together",
            token_secret.origin
        )),
        (false, true) => ctx.printer.warn(&format!(
            "{MODAL_TOKEN_SECRET} is set but {MODAL_TOKEN_ID} is not: the secret comes from the environment and the id from the {}; they may not belong together",
            token_id.origin
        )),
        _ => {}
    }
    let whoami = if args.verify {
        Some(
            ctx.api(&resolved.server_url)?
                .whoami(&token_id.value, &token_secret.value)?,
        )
    } else {
        None
    };
    let both_env = from_env(&token_id.origin) && from_env(&token_secret.origin);
    let text = if args.json {
        serde_json::to_string_pretty(&as_json(&resolved, whoami.as_ref(), both_env))
            .expect("plain data serializes")
    } else {
        as_text(&resolved, whoami.as_ref(), both_env)
    };
    ctx.printer.data(&text);
    Ok(())
}

fn no_token(resolved: &Resolved) -> Error {
    let what = if resolved.token_id.is_none() {
        "token id"
    } else {
        "token secret"
    };
    let place = if resolved.profile_exists {
        format!(
            "profile '{}' of {} holds no {what}",
            resolved.profile.value,
            resolved.config_path.value.display()
        )
    } else {
        format!(
            "there is no profile '{}' in {}",
            resolved.profile.value,
            resolved.config_path.value.display()
        )
    };
    Error::NoCredentials {
        what,
        hint: format!(
            "{place}: log in with `modal-setup setup`, or write a token with `modal-setup token set`"
        ),
    }
}

fn as_text(resolved: &Resolved, whoami: Option<&WhoAmI>, both_env: bool) -> String {
    let token_id = resolved.token_id.as_ref().expect("checked by the caller");
    let secret = resolved
        .token_secret
        .as_ref()
        .expect("checked by the caller");
    let mut lines = vec![
        format!("Token: {}", token_id.value),
        format!(
            "Profile: {} ({})",
            resolved.profile.value, resolved.profile.origin
        ),
        format!("Token id from: {}", token_id.origin),
        format!("Token secret from: {}", secret.origin),
        format!(
            "Server: {} ({})",
            resolved.server_url.value, resolved.server_url.origin
        ),
    ];
    if let Some(whoami) = whoami {
        let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
        lines.push(format!("Workspace: {}", whoami.workspace));
        lines.push(format!("User: {}", or_unknown(&whoami.user)));
        lines.push(format!("Created at: {}", or_unknown(&whoami.created_at)));
        lines.push(format!(
            "Expires at: {}",
            whoami.expires_at.clone().unwrap_or_else(|| "never".into())
        ));
    }
    if both_env {
        lines.push(format!(
            "(Using {MODAL_TOKEN_ID} and {MODAL_TOKEN_SECRET} environment variables)"
        ));
    }
    lines.join("\n")
}

fn as_json(resolved: &Resolved, whoami: Option<&WhoAmI>, both_env: bool) -> Value {
    let token_id = resolved.token_id.as_ref().expect("checked by the caller");
    let secret = resolved
        .token_secret
        .as_ref()
        .expect("checked by the caller");
    json!({
        "token_id": { "value": token_id.value, "origin": token_id.origin.to_string() },
        "token_secret": { "origin": secret.origin.to_string() },
        "profile": { "value": resolved.profile.value, "origin": resolved.profile.origin.to_string() },
        "server_url": { "value": resolved.server_url.value, "origin": resolved.server_url.origin.to_string() },
        "config_path": resolved.config_path.value.display().to_string(),
        "using_environment_variables": both_env,
        "verified": whoami.is_some(),
        "server": whoami.map(|w| json!({
            "workspace": w.workspace,
            "user": w.user,
            "created_at": w.created_at,
            "expires_at": w.expires_at,
        })),
    })
}
