//! go-plugin's automatic mutual TLS. Terraform passes its client
//! certificate in `PLUGIN_CLIENT_CERT` (PEM); we generate a server
//! certificate at start, return it in the handshake line, and accept only
//! connections that present exactly Terraform's certificate and prove they
//! hold its key.

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer,
    PrivatePkcs8KeyDer, SignatureVerificationAlgorithm, UnixTime,
};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::sync::Arc;

pub struct ServerTls {
    pub config: Arc<rustls::ServerConfig>,
    pub cert_der: Vec<u8>,
}

/// Builds the TLS configuration from Terraform's client certificate.
/// `organization` names the plugin in the certificate it presents.
pub fn server_config(client_cert_pem: &str, organization: &str) -> anyhow::Result<ServerTls> {
    crate::install_crypto_provider();
    let client_cert = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(|e| anyhow::anyhow!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))?;

    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()])?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, organization);
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::minutes(1);
    params.not_after = now + time::Duration::days(365);
    let cert = params.self_signed(&key)?;
    let cert_der = cert.der().to_vec();

    let verifier = Arc::new(PinnedClientCert::new(client_cert));
    let mut config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
    // gRPC clients insist on HTTP/2 being negotiated.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(ServerTls {
        config: Arc::new(config),
        cert_der,
    })
}

/// Accepts exactly one client certificate: Terraform's. go-plugin's
/// certificates are self-signed CAs used as leaves, which standard chain
/// validation rejects, so we pin the certificate and verify the handshake
/// signature ourselves.
#[derive(Debug)]
struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    fn new(expected: CertificateDer<'static>) -> Self {
        let ring = rustls::crypto::ring::default_provider().signature_verification_algorithms;
        // go-plugin's keys are ECDSA P-521, which ring does not verify: add
        // a P-521 verifier (RustCrypto) to ring's list.
        let all: Vec<&'static dyn SignatureVerificationAlgorithm> = ring
            .all
            .iter()
            .copied()
            .chain([&ECDSA_P521_SHA512 as &dyn SignatureVerificationAlgorithm])
            .collect();
        let mapping: Vec<(
            SignatureScheme,
            &'static [&'static dyn SignatureVerificationAlgorithm],
        )> = ring
            .mapping
            .iter()
            .copied()
            .chain([(SignatureScheme::ECDSA_NISTP521_SHA512, P521_ONLY)])
            .collect();
        PinnedClientCert {
            expected,
            algorithms: WebPkiSupportedAlgorithms {
                all: Vec::leak(all),
                mapping: Vec::leak(mapping),
            },
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "client certificate is not the one in PLUGIN_CLIENT_CERT".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[derive(Debug)]
struct EcdsaP521Sha512;

static ECDSA_P521_SHA512: EcdsaP521Sha512 = EcdsaP521Sha512;
static P521_ONLY: &[&dyn SignatureVerificationAlgorithm] = &[&ECDSA_P521_SHA512];

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }

    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key =
            p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let sig = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &sig).map_err(|_| InvalidSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_cert_pem() -> String {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap()
            .pem()
    }

    #[test]
    fn builds_config_with_h2_and_a_server_cert() {
        let tls = server_config(&client_cert_pem(), "terraform-provider-example").unwrap();
        assert_eq!(tls.config.alpn_protocols, vec![b"h2".to_vec()]);
        assert!(tls.cert_der.len() > 100);
    }

    #[test]
    fn rejects_garbage_client_cert() {
        assert!(server_config("not a pem", "terraform-provider-example").is_err());
    }

    #[test]
    fn pins_the_exact_certificate() {
        let pem = client_cert_pem();
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        let v = PinnedClientCert::new(der.clone());
        assert!(v.verify_client_cert(&der, &[], UnixTime::now()).is_ok());
        let other = CertificateDer::from_pem_slice(client_cert_pem().as_bytes()).unwrap();
        assert!(v.verify_client_cert(&other, &[], UnixTime::now()).is_err());
        assert!(v
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn p521_signatures_verify() {
        use p521::ecdsa::signature::Signer;
        // A P-521 scalar has 521 bits: the first of its 66 bytes is 0 or 1.
        let mut secret = [7u8; 66];
        secret[0] = 0;
        let sk = p521::ecdsa::SigningKey::from_slice(&secret).unwrap();
        let vk = p521::ecdsa::VerifyingKey::from(&sk);
        let sig: p521::ecdsa::Signature = sk.sign(b"hello");
        let pk = vk.to_encoded_point(false);
        let der = sig.to_der();
        assert!(ECDSA_P521_SHA512
            .verify_signature(pk.as_bytes(), b"hello", der.as_bytes())
            .is_ok());
        assert!(ECDSA_P521_SHA512
            .verify_signature(pk.as_bytes(), b"hellO", der.as_bytes())
            .is_err());
    }
}
