//! The release artifacts of scripts/release.sh: a zip, its SHA256SUMS and
//! manifest as a registry publishes them, and a filesystem mirror that
//! `terraform init` installs the provider from, offline, with the checksums
//! Terraform records in the lock file matching ours.

use crate::harness::*;
use crate::mirror;
use std::path::Path;
use std::process::Command;

const NAME: &str = "terraform-provider-cftenant";

fn sha256_hex(bytes: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the release test computes checksums with `sha256sum` (coreutils); install it");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

/// Terraform's `h1:` hash of an unpacked package (its "dirhash"): sha256
/// over the lines `<sha256 hex of file>  <file name>\n`, sorted by name,
/// base64-encoded. Our package is one file.
fn h1_hash(file_name: &str, contents: &[u8]) -> String {
    use base64::Engine;
    let summary = format!("{}  {file_name}\n", sha256_hex(contents));
    let digest: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&sha256_hex(summary.as_bytes())[i..i + 2], 16).unwrap())
        .collect();
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The hashes recorded for our provider in a lock file.
fn locked_hashes(lock_file: &Path) -> Vec<String> {
    let lock = std::fs::read_to_string(lock_file)
        .unwrap_or_else(|e| panic!("{}: {e}", lock_file.display()));
    assert!(
        lock.contains("provider \"registry.terraform.io/cftenant/cftenant\""),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{}\"", env!("CARGO_PKG_VERSION"))),
        "{lock}"
    );
    let mut hashes: Vec<String> = lock
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("\"h1:") || l.starts_with("\"zh:"))
        .map(|l| l.trim_end_matches(',').trim_matches('"').to_string())
        .collect();
    hashes.sort();
    hashes
}

#[test]
fn release_artifacts_install_offline_from_a_filesystem_mirror() {
    let version = env!("CARGO_PKG_VERSION");
    let platform = mirror::platform();
    let dist = tempfile::Builder::new()
        .prefix("cftenant-dist-")
        .tempdir()
        .unwrap();
    let debug_binary = env!("CARGO_BIN_EXE_terraform-provider-cftenant");

    // The script, packaging the binary cargo built for the tests (a release
    // build would take minutes); the version comes from Cargo.toml.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh");
    let out = Command::new(&script)
        .env("DIST_DIR", dist.path())
        .env("CFTENANT_PROVIDER_BINARY", debug_binary)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/release.sh failed:\n{}",
        output_text(&out)
    );

    let zip_name = format!("{NAME}_{version}_{platform}.zip");
    let zip =
        std::fs::read(dist.path().join(&zip_name)).unwrap_or_else(|e| panic!("{zip_name}: {e}"));
    assert!(zip.starts_with(b"PK\x03\x04"), "{zip_name} is not a zip");
    let manifest_name = format!("{NAME}_{version}_manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.path().join(&manifest_name)).unwrap()).unwrap();
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
    let sums =
        std::fs::read_to_string(dist.path().join(format!("{NAME}_{version}_SHA256SUMS"))).unwrap();
    let zip_sha = sha256_hex(&zip);
    let manifest_sha = sha256_hex(&std::fs::read(dist.path().join(&manifest_name)).unwrap());
    assert_eq!(
        sums,
        format!("{zip_sha}  {zip_name}\n{manifest_sha}  {manifest_name}\n")
    );
    let mirror_dir = dist.path().join("mirror");
    let packed = std::fs::read(
        mirror_dir
            .join("registry.terraform.io/cftenant/cftenant")
            .join(&zip_name),
    )
    .expect("the zip in the mirror's packed layout");
    assert!(
        packed == zip,
        "the mirror's zip differs from the released one"
    );

    // terraform init with the mirror as the only installation method (no dev
    // overrides, no direct installation), and any HTTP(S) it might attempt
    // sent to a closed port: the install cannot touch the network.
    let sim = Sim::start(&[]);
    let mut ws = Workspace::new(&sim);
    let cli_config = ws.dir.path().join("mirror.tfrc");
    std::fs::write(&cli_config, mirror::cli_config(&mirror_dir)).unwrap();
    for (k, v) in [
        ("TF_CLI_CONFIG_FILE", cli_config.display().to_string()),
        ("HTTPS_PROXY", "http://127.0.0.1:9".into()),
        ("HTTP_PROXY", "http://127.0.0.1:9".into()),
        ("NO_PROXY", "127.0.0.1".into()),
    ] {
        ws.extra_env.push((k.into(), v));
    }
    std::fs::write(
        ws.dir.path().join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    cftenant = {{\n      source  = \"cftenant/cftenant\"\n      version = \"{version}\"\n    }}\n  }}\n}}\n\nprovider \"cftenant\" {{}}\n\n\
             data \"cftenant_tenant\" \"this\" {{\n  tenant_id = \"{TENANT}\"\n}}\n\n\
             resource \"cftenant_account\" \"customer\" {{\n  name    = \"Released Customer\"\n  unit_id = data.cftenant_tenant.this.tenant_units[0].unit_tag\n}}\n"
        ),
    )
    .unwrap();
    let init = ws.ok(&["init", "-input=false", "-no-color"]);
    assert!(
        init.contains(&format!("Installed cftenant/cftenant v{version}")),
        "{init}"
    );
    assert!(!init.contains("development overrides"), "{init}");

    // From a mirror Terraform records the h1: hash of the unpacked package,
    // which must be that of our binary under its release name.
    let binary = std::fs::read(debug_binary).unwrap();
    let binary_name = format!("{NAME}_v{version}");
    let h1 = h1_hash(&binary_name, &binary);
    let lock_file = ws.dir.path().join(".terraform.lock.hcl");
    assert_eq!(locked_hashes(&lock_file), std::slice::from_ref(&h1));
    let installed = ws
        .dir
        .path()
        .join(".terraform/providers/registry.terraform.io/cftenant/cftenant")
        .join(version)
        .join(&platform)
        .join(&binary_name);
    assert!(
        std::fs::read(&installed).unwrap_or_else(|e| panic!("{}: {e}", installed.display()))
            == binary,
        "the installed binary is not ours"
    );

    // A registry would publish our SHA256SUMS, and users' lock files would
    // hold zh:<sha256 of the zip>. Terraform checks a packed package against
    // such hashes: a wrong one is refused, ours is accepted and kept.
    let zip_hash = format!("zh:{zip_sha}");
    let lock_with = |hash: &str| {
        format!("provider \"registry.terraform.io/cftenant/cftenant\" {{\n  version     = \"{version}\"\n  constraints = \"{version}\"\n  hashes = [\n    \"{hash}\",\n  ]\n}}\n")
    };
    let wrong = format!(
        "zh:{}{}",
        if zip_sha.starts_with('0') { '1' } else { '0' },
        &zip_sha[1..]
    );
    std::fs::remove_dir_all(ws.dir.path().join(".terraform")).unwrap();
    std::fs::write(&lock_file, lock_with(&wrong)).unwrap();
    let refused = ws.terraform(&["init", "-input=false", "-no-color"]);
    let text = output_text(&refused);
    assert!(
        !refused.status.success() && text.contains("doesn't match any of the checksums"),
        "a wrong zh: hash should be refused:\n{text}"
    );
    std::fs::write(&lock_file, lock_with(&zip_hash)).unwrap();
    ws.ok(&["init", "-input=false", "-no-color"]);
    let mut both = vec![h1, zip_hash];
    both.sort();
    assert_eq!(locked_hashes(&lock_file), both);

    // The installed binary works: the plan reads the tenant from the simulator.
    let (code, plan) = ws.plan();
    assert_eq!(code, 2, "{plan}");
    assert!(
        plan.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    let stats = sim.stats();
    assert!(
        stats["requests"]["GET /tenants/{tenant_id}"].as_u64() >= Some(1),
        "the plan did not read the tenant: {stats}"
    );
}

/// Runs gpg in a keyring of its own.
fn gpg(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new("gpg")
        .env("GNUPGHOME", home)
        .args(["--batch", "--no-tty"])
        .args(args)
        .output()
        .expect("the signing test needs gpg (GnuPG; Debian: apt-get install gnupg)")
}

/// With a key, the release signs its SHA256SUMS as the public registry
/// requires: a binary detached signature that verifies with the key, and
/// fails once the sums change. The key is a throwaway one.
#[test]
fn release_signs_its_checksums_with_the_given_key() {
    let version = env!("CARGO_PKG_VERSION");
    let home = tempfile::Builder::new()
        .prefix("gpg-")
        .tempdir_in("/tmp")
        .unwrap();
    let made = gpg(
        home.path(),
        &[
            "--passphrase",
            "",
            "--quick-generate-key",
            "Release Test <release-test@example.com>",
            "ed25519",
            "sign",
            "never",
        ],
    );
    assert!(
        made.status.success(),
        "gpg could not make a key:\n{}",
        output_text(&made)
    );
    let listed = gpg(home.path(), &["--with-colons", "--list-secret-keys"]);
    let fingerprint = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|l| l.starts_with("fpr:"))
        .and_then(|l| l.split(':').nth(9))
        .expect("the key's fingerprint")
        .to_string();

    let dist = tempfile::Builder::new()
        .prefix("cftenant-dist-")
        .tempdir()
        .unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh");
    let out = Command::new(&script)
        .env("DIST_DIR", dist.path())
        .env(
            "CFTENANT_PROVIDER_BINARY",
            env!("CARGO_BIN_EXE_terraform-provider-cftenant"),
        )
        .env("GNUPGHOME", home.path())
        .env("GPG_FINGERPRINT", &fingerprint)
        .output()
        .unwrap();
    let text = output_text(&out);
    assert!(out.status.success(), "scripts/release.sh failed:\n{text}");
    let sums = dist.path().join(format!("{NAME}_{version}_SHA256SUMS"));
    let sig = dist.path().join(format!("{NAME}_{version}_SHA256SUMS.sig"));
    assert!(
        text.contains(&format!("{NAME}_{version}_SHA256SUMS.sig")),
        "{text}"
    );
    let signature = std::fs::read(&sig).unwrap_or_else(|e| panic!("{}: {e}", sig.display()));
    assert!(
        !signature.starts_with(b"-----BEGIN"),
        "the registry wants a binary signature, not an armored one"
    );

    let verify = |home: &Path| {
        gpg(
            home,
            &["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()],
        )
    };
    let good = verify(home.path());
    assert!(
        good.status.success(),
        "the signature does not verify:\n{}",
        output_text(&good)
    );
    assert!(
        output_text(&good).contains(&fingerprint),
        "{}",
        output_text(&good)
    );
    let mut tampered = std::fs::read(&sums).unwrap();
    tampered[0] = if tampered[0] == b'0' { b'1' } else { b'0' };
    std::fs::write(&sums, tampered).unwrap();
    assert!(
        !verify(home.path()).status.success(),
        "a changed SHA256SUMS still verifies"
    );
    // Stop the agent gpg started for the throwaway keyring.
    let _ = Command::new("gpgconf")
        .env("GNUPGHOME", home.path())
        .args(["--kill", "gpg-agent"])
        .output();

    // Without a key: unsigned, and said so.
    let out = Command::new(&script)
        .env("DIST_DIR", dist.path())
        .env(
            "CFTENANT_PROVIDER_BINARY",
            env!("CARGO_BIN_EXE_terraform-provider-cftenant"),
        )
        .env_remove("GPG_FINGERPRINT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("unsigned: set GPG_FINGERPRINT"),
        "{}",
        output_text(&out)
    );
    assert!(!sig.exists(), "a stale signature was left beside new sums");
}
