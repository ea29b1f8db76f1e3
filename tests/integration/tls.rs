//! TLS against a local gRPC server whose certificate authority is made in the test: trusted
//! through SSL_CERT_FILE it works; an untrusted authority, a certificate for another host, or
//! an expired one is a clear error naming the host and what to do, and nothing is ever sent
//! in plaintext instead.

use modal_setup::Exit;

use crate::support::TestEnv;
use crate::support::hostile_server::{HostileServer, Misbehaviour, TestCa};

const ORIGINAL: &str =
    "[main]\ntoken_id = \"ak-existing\"\ntoken_secret = \"as-existing\"\nactive = true\n";

/// A TLS server with a certificate from `ca` for `names`, and an environment that trusts
/// `trusted` (its PEM in SSL_CERT_FILE).
fn setup(
    ca: &TestCa,
    names: &[&str],
    years: Option<(i32, i32)>,
    trusted: &TestCa,
) -> (HostileServer, TestEnv) {
    let server = HostileServer::start(Misbehaviour::None, Some(ca.server_config(names, years)));
    let mut t = TestEnv::new();
    t.write(ORIGINAL);
    let ca_file = t.dir().join("ca.pem");
    std::fs::write(&ca_file, &trusted.pem).unwrap();
    t.set_env("SSL_CERT_FILE", &ca_file.display().to_string());
    t.set_env(
        "MODAL_SERVER_URL",
        &format!("https://localhost:{}", server.port),
    );
    (server, t)
}

#[test]
fn a_certificate_from_a_ca_in_ssl_cert_file_is_trusted() {
    let ca = TestCa::new("modal-setup test CA");
    let (server, t) = setup(&ca, &["localhost"], None, &ca);
    // -v says where the roots came from: SSL_CERT_FILE adds to the system's directories.
    t.run(&["-v", "token", "info"])
        .success()
        .stderr_has("debug: TLS roots: ")
        .stderr_has(" bundled, 1 from SSL_CERT_FILE (")
        .stderr_has(" from the system's certificate directories");
    t.token_set("ak-new1", "as-new1").run().success();
    assert_eq!(
        server.calls(),
        ["TokenInfoGet", "ClientHello", "WorkspaceNameLookup"]
    );
}

/// Refused before any call: the error names the host, the hint what to do, the file stays.
#[track_caller]
fn refused(server: &HostileServer, t: &TestEnv, says: &str, hint: &str) {
    let run = t.token_set("ak-new1", "as-new1").run();
    run.code(Exit::Failure).stderr_has(says).stderr_has(hint);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1
    );
    assert!(
        server.calls().is_empty(),
        "a call got through: {:?}",
        server.calls()
    );
    assert_eq!(t.read(), ORIGINAL);
}

#[test]
fn an_untrusted_authority_is_refused_naming_the_host() {
    let ca = TestCa::new("somebody else's CA");
    let trusted = TestCa::new("the CA this machine trusts");
    let (server, t) = setup(&ca, &["localhost"], None, &trusted);
    refused(
        &server,
        &t,
        "could not reach https://localhost:",
        "point SSL_CERT_FILE at its certificate bundle",
    );
    t.run(&["token", "info"]).code(Exit::Failure).stderr_has(
        "the certificate of localhost is signed by an authority this machine does not trust",
    );
}

#[test]
fn a_certificate_for_another_host_is_refused() {
    let ca = TestCa::new("modal-setup test CA");
    let (server, t) = setup(&ca, &["api.modal.invalid"], None, &ca);
    refused(
        &server,
        &t,
        "the certificate presented is not valid for the host name localhost",
        "check that the server URL (from the MODAL_SERVER_URL environment variable) is right",
    );
}

#[test]
fn certificates_out_of_their_validity_are_refused_with_the_clock_hint() {
    let ca = TestCa::new("modal-setup test CA");
    for (years, says) in [
        ((2000, 2001), "the certificate of localhost has expired"),
        (
            (2090, 2091),
            "the certificate of localhost is not valid yet",
        ),
    ] {
        let (server, t) = setup(&ca, &["localhost"], Some(years), &ca);
        refused(&server, &t, says, "check the system clock");
    }
}
