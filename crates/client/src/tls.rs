//! Whom the desktop trusts for https: the system's certificate authorities, and one more
//! (`--server-ca`) for a team whose server has a certificate of its own making. Rustls with
//! ring, for the API's requests and the event socket alike.

use rustls::ClientConfig;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;
use std::sync::Arc;

/// The TLS settings for `https://` servers.
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for e in &native.errors {
        tracing::warn!(error = %e, "a system certificate could not be read");
    }
    roots.add_parsable_certificates(native.certs);
    if let Some(path) = extra_ca {
        let certs = CertificateDer::pem_file_iter(path)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("cannot read --server-ca {}: {e}", path.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "--server-ca {} holds no certificate",
                path.display()
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| format!("--server-ca {}: {e}", path.display()))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS cannot be set up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Makes ring the process's TLS provider for HTTP clients built without settings of their
/// own (the build has ring only, and reqwest asks for a provider to be chosen). Idempotent.
pub fn use_ring() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
