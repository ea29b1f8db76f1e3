//! TLS 1.2 and 1.3 with ring and ALPN h2: the roots trusted (the system's, SSL_CERT_FILE /
//! SSL_CERT_DIR, the bundled web roots) and a failed handshake in words.

use std::sync::Arc;

use super::WarningSink;
use crate::api::status::DialError;
use crate::server_url::Candidate;

pub(super) fn tls_error(error: &std::io::Error, candidate: &Candidate) -> DialError {
    use rustls::CertificateError;
    let host = &candidate.host;
    let problem = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let detail = match problem {
        Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => format!(
            "the certificate of {host} is signed by an authority this machine does not trust"
        ),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => format!("the certificate presented is not valid for the host name {host}"),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        )) => format!("the certificate of {host} has expired"),
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        )) => format!("the certificate of {host} is not valid yet"),
        Some(rustls::Error::InvalidMessage(_)) => {
            format!("{host} did not answer with TLS (is it an http:// server?)")
        }
        Some(other) => format!("the TLS handshake with {host} failed: {other}"),
        None => format!("the TLS handshake with {host} failed: {error}"),
    };
    let expired = matches!(
        problem,
        Some(rustls::Error::InvalidCertificate(
            CertificateError::Expired
                | CertificateError::ExpiredContext { .. }
                | CertificateError::NotValidYet
                | CertificateError::NotValidYetContext { .. }
        ))
    );
    DialError {
        failure: crate::error::NetFailure::Tls { clock: expired },
        detail,
    }
}

/// TLS 1.2 and 1.3 with ring, ALPN h2, and as roots the system's certificates (or
/// SSL_CERT_FILE / SSL_CERT_DIR when set) plus the bundled web roots.
pub(super) fn tls_config(debug: &WarningSink) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let bundled = roots.len();
    // The platform store may be empty or partly unreadable; the bundled roots still apply.
    let native = rustls_native_certs::load_native_certs();
    let (from_native, _) = roots.add_parsable_certificates(native.certs);
    let file = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty());
    let dir_set = std::env::var_os("SSL_CERT_DIR").is_some_and(|d| !d.is_empty());
    let (from_system, _) =
        roots.add_parsable_certificates(system_roots_beside(file.is_some(), dir_set));
    let native_source = match &file {
        Some(file) => format!("SSL_CERT_FILE ({})", std::path::Path::new(file).display()),
        None if dir_set => "SSL_CERT_DIR".to_owned(),
        None => "the system's store".to_owned(),
    };
    let mut said = format!("TLS roots: {bundled} bundled, {from_native} from {native_source}");
    if file.is_some() && !dir_set {
        said.push_str(&format!(
            ", {from_system} from the system's certificate directories"
        ));
    }
    debug(&said);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// The system's certificate directories, when SSL_CERT_FILE is set and SSL_CERT_DIR is not.
/// rustls-native-certs then reads that file alone; OpenSSL (and so Python's `ssl` and curl built
/// on it) keeps reading its default directory beside it, so a corporate CA installed in the
/// system store is still trusted when a Python setup exports certifi's bundle. SSL_CERT_DIR set
/// replaces the directories, as in OpenSSL.
fn system_roots_beside(
    file_set: bool,
    dir_set: bool,
) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    if !file_set || dir_set {
        return Vec::new();
    }
    certificates_in(crate::platform::cert_dirs())
}

fn certificates_in(
    dirs: Vec<std::path::PathBuf>,
) -> Vec<rustls::pki_types::CertificateDer<'static>> {
    dirs.iter()
        .flat_map(|dir| rustls_native_certs::load_certs_from_paths(None, Some(dir)).certs)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_directories_are_read_beside_ssl_cert_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let ca = rcgen::generate_simple_self_signed(vec!["corp.example".into()]).unwrap();
        std::fs::write(dir.path().join("corp.pem"), ca.cert.pem()).unwrap();
        assert_eq!(certificates_in(vec![dir.path().to_owned()]).len(), 1);
        // Only SSL_CERT_FILE set adds the directories; SSL_CERT_DIR replaces them.
        assert!(system_roots_beside(false, false).is_empty());
        assert!(system_roots_beside(true, true).is_empty());
    }
}
