//! HTTPS to an endpoint whose certificate this machine does not trust: the
//! error says the certificate could not be verified and why (unknown
//! issuer, wrong host name, expired), names SSL_CERT_FILE for a private CA,
//! and is not retried. With the CA trusted through SSL_CERT_FILE the same
//! endpoint works for apply and destroy.
//!
//! The simulator speaks plain HTTP; a TLS front on another loopback port
//! (rustls, certificates from rcgen) stands in for the HTTPS endpoint.

use crate::harness::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A TLS-terminating forwarder to the simulator, counting the TLS
/// handshakes it was asked for.
struct TlsFront {
    port: u16,
    handshakes: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

impl TlsFront {
    fn start(sim: &Sim, cert_pem: &str, key_pem: &str) -> TlsFront {
        tfplugin::install_crypto_provider();
        let cert: rustls::pki_types::CertificateDer =
            rustls::pki_types::pem::PemObject::from_pem_slice(cert_pem.as_bytes()).unwrap();
        let certs = vec![cert.into_owned()];
        let key: rustls::pki_types::PrivateKeyDer =
            rustls::pki_types::pem::PemObject::from_pem_slice(key_pem.as_bytes()).unwrap();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let backend = format!("127.0.0.1:{}", sim.port());
        let handshakes = Arc::new(AtomicUsize::new(0));
        let counted = handshakes.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                let backend = backend.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let Ok(mut plain) = tokio::net::TcpStream::connect(&backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        TlsFront {
            port,
            handshakes,
            _runtime: runtime,
        }
    }
}

/// A certificate authority and certificates it signs.
struct Ca {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    pem: String,
}

impl Ca {
    fn new(name: &str) -> Ca {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let cert = params.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// (certificate PEM, key PEM) for `host`, valid now unless `expired`.
    fn leaf(&self, host: &str, expired: bool) -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec![host.to_string()]).unwrap();
        params
            .extended_key_usages
            .push(rcgen::ExtendedKeyUsagePurpose::ServerAuth);
        if expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

fn tenant_read() -> String {
    format!("data \"cftenant_tenant\" \"t\" {{\n  tenant_id = \"{TENANT}\"\n}}\n")
}

#[test]
fn an_untrusted_certificate_says_why_and_is_not_retried() {
    let ctx = Ctx::new();
    let ca = Ca::new("cftenant test CA");
    let trusted_roots = ctx.ws.dir.path().join("ca.pem");
    std::fs::write(&trusted_roots, &ca.pem).unwrap();
    let other_ca = Ca::new("some other CA");
    let other_roots = ctx.ws.dir.path().join("other-ca.pem");
    std::fs::write(&other_roots, &other_ca.pem).unwrap();

    for (case, leaf, roots, why) in [
        (
            "unknown issuer",
            ca.leaf("localhost", false),
            &other_roots,
            "signed by an unknown issuer",
        ),
        (
            "wrong host",
            ca.leaf("api.example.com", false),
            &trusted_roots,
            "not valid for the host name in base_url",
        ),
        (
            "expired",
            ca.leaf("localhost", true),
            &trusted_roots,
            "it has expired",
        ),
    ] {
        let front = TlsFront::start(&ctx.sim, &leaf.0, &leaf.1);
        let mut ws = Workspace::new(&ctx.sim);
        ws.extra_env = vec![
            (
                "CLOUDFLARE_BASE_URL".into(),
                format!("https://localhost:{}/client/v4", front.port),
            ),
            ("SSL_CERT_FILE".into(), roots.display().to_string()),
        ];
        ws.write_config(&tenant_read());
        let (code, text) = ws.plan();
        assert_eq!(code, 1, "{case}: {text}");
        for needle in [
            "the server's TLS certificate could not be verified",
            why,
            "SSL_CERT_FILE",
        ] {
            assert!(text.contains(needle), "{case}: no {needle:?} in:\n{text}");
        }
        assert!(!text.contains("attempts"), "{case}: retried: {text}");
        assert_eq!(
            front.handshakes.load(Ordering::SeqCst),
            1,
            "{case}: a certificate that failed once is not tried again"
        );
    }
}

#[test]
fn a_private_ca_trusted_through_ssl_cert_file_works() {
    let ctx = Ctx::new();
    let ca = Ca::new("cftenant test CA");
    let roots = ctx.ws.dir.path().join("ca.pem");
    std::fs::write(&roots, &ca.pem).unwrap();
    let (cert, key) = ca.leaf("localhost", false);
    let front = TlsFront::start(&ctx.sim, &cert, &key);
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![
        (
            "CLOUDFLARE_BASE_URL".into(),
            format!("https://localhost:{}/client/v4", front.port),
        ),
        ("SSL_CERT_FILE".into(), roots.display().to_string()),
    ];
    ws.write_config(&format!(
        "{}resource \"cftenant_account\" \"a\" {{\n  name = \"Over HTTPS\"\n}}\n",
        tenant_read()
    ));
    ws.apply();
    ws.assert_plan_empty();
    assert_eq!(ctx.sim.objects("accounts").len(), 1);
    ws.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(ctx.sim.objects("accounts").is_empty());
}

/// A server that knows only TLS 1.1 or older refuses the provider's
/// ClientHello with a `protocol_version` alert (what such a server sends):
/// the error names the protocol version, not a certificate, and is not
/// retried.
#[test]
fn a_server_of_an_old_tls_version_is_named_as_such() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            use std::io::{Read, Write};
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            // A fatal alert record, version TLS 1.1: protocol_version (70).
            let _ = stream.write_all(&[0x15, 0x03, 0x02, 0x00, 0x02, 0x02, 0x46]);
        }
    });
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![(
        "CLOUDFLARE_BASE_URL".into(),
        format!("https://localhost:{port}/client/v4"),
    )];
    ws.write_config(&tenant_read());
    let (code, text) = ws.plan();
    assert_eq!(code, 1, "{text}");
    for needle in [
        "the server speaks no TLS version the provider accepts (TLS 1.2 or 1.3)",
        "ProtocolVersion",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(
        !text.contains("certificate"),
        "not a certificate problem: {text}"
    );
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "not retried");
}

/// `https://` pointed at a plain-http server (the simulator itself): the
/// error says the server does not speak TLS.
#[test]
fn https_to_a_plain_http_server_says_it_does_not_speak_tls() {
    let ctx = Ctx::new();
    let mut ws = Workspace::new(&ctx.sim);
    ws.extra_env = vec![(
        "CLOUDFLARE_BASE_URL".into(),
        format!("https://localhost:{}/client/v4", ctx.sim.port()),
    )];
    ws.write_config(&tenant_read());
    let (code, text) = ws.plan();
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("the server does not speak TLS: base_url is https://, but what answered is not a TLS server"),
        "{text}"
    );
    assert!(
        !text.contains("certificate"),
        "not a certificate problem: {text}"
    );
}
