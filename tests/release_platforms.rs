//! scripts/release.sh for the platforms a team uses. Given one binary per
//! platform (`--binary <os>_<arch>=<path>`), it lays out one zip per
//! platform, a SHA256SUMS that lists them all, the manifest, and a
//! filesystem mirror from which `terraform providers lock` records every
//! platform's hash offline and `terraform init` installs the host's.
//!
//! Only the host's binary can be built on this machine, so the debug binary
//! cargo built for the tests stands in for every platform's: what is tested
//! is the layout and what Terraform makes of it, not the other platforms'
//! code (the release workflow builds that on each platform's own runner).
//! tests/e2e/release.rs tests the host-only release, its installation
//! against the simulator, and the signature.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const NAME: &str = "terraform-provider-cftenant";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-cftenant");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Terraform's name for this machine's platform, e.g. `linux_amd64`.
fn host_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => panic!("no Terraform platform name for {other}"),
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// The host's platform first, then the platforms a team's laptops and CI
/// add (a Mac, Linux CI, a Windows desktop), each once.
fn platforms() -> Vec<String> {
    let mut platforms = vec![host_platform()];
    for p in ["darwin_arm64", "linux_amd64", "windows_amd64"] {
        if !platforms.iter().any(|q| q == p) {
            platforms.push(p.to_string());
        }
    }
    platforms
}

/// The name Terraform looks for in a platform's zip.
fn entry_name(platform: &str) -> String {
    let exe = if platform.starts_with("windows_") {
        ".exe"
    } else {
        ""
    };
    format!("{NAME}_v{VERSION}{exe}")
}

/// scripts/release.sh with `args`, writing into `dist`, never signing and
/// never packaging a binary named by the environment.
fn release(dist: &Path, args: &[String]) -> Output {
    Command::new(repo().join("scripts/release.sh"))
        .args(args)
        .env("DIST_DIR", dist)
        .env_remove("CFTENANT_PROVIDER_BINARY")
        .env_remove("GPG_FINGERPRINT")
        .env_remove("GPG_PASSPHRASE")
        .output()
        .expect("running scripts/release.sh")
}

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

/// Terraform's `h1:` hash of an unpacked package of one file: sha256 over
/// the line `<sha256 hex of the file>  <file name>\n`, base64-encoded.
fn h1_hash(file_name: &str, contents: &[u8]) -> String {
    use base64::Engine;
    let summary = format!("{}  {file_name}\n", sha256_hex(contents));
    let hex = sha256_hex(summary.as_bytes());
    let digest: Vec<u8> = (0..64)
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The entries of a zip, from its central directory: (name, Unix mode).
fn zip_entries(zip: &[u8]) -> Vec<(String, u32)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]);
    let end = (0..=zip.len().saturating_sub(22))
        .rev()
        .find(|&i| zip[i..].starts_with(b"PK\x05\x06"))
        .expect("the zip has no end of central directory record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert!(
            zip[at..].starts_with(b"PK\x01\x02"),
            "a central directory entry"
        );
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let mode = u32_at(at + 38) >> 16;
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        entries.push((name, mode));
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

/// `terraform` in `dir` with the CLI configuration at `cli_config` and no
/// other: every `TF_*` variable of the environment is left out (a
/// `TF_CLI_CONFIG_FILE`, a plugin cache, `TF_CLI_ARGS`), and any HTTP(S) it
/// might attempt goes to a closed port, so nothing can come from the network.
fn terraform(dir: &Path, cli_config: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new("terraform");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TF_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(dir)
        .args(args)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the release test drives the terraform CLI (1.11), which could not be run ({e}): \
                 install it and put it on the PATH (.ci/run requires it)"
            )
        })
}

/// The hashes a lock file records for our provider, sorted, after checking
/// its version and constraint.
fn locked_hashes(lock_file: &Path, constraint: &str) -> Vec<String> {
    let lock = std::fs::read_to_string(lock_file)
        .unwrap_or_else(|e| panic!("{}: {e}", lock_file.display()));
    assert!(
        lock.contains("provider \"registry.terraform.io/cftenant/cftenant\""),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("constraints = \"{constraint}\"")),
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
fn release_packages_every_platform_and_terraform_locks_them_offline() {
    let platforms = platforms();
    let work = tempfile::Builder::new()
        .prefix("cftenant-release-")
        .tempdir()
        .unwrap();
    let dist = work.path().join("dist");
    let binary = std::fs::read(BINARY).unwrap();
    // A binary handed over between CI jobs loses its executable bit: the
    // last platform is packaged from such a copy.
    let plain_copy = work.path().join("binary-without-x");
    std::fs::write(&plain_copy, &binary).unwrap();
    let mut args = vec!["--version".to_string(), VERSION.to_string()];
    for (i, platform) in platforms.iter().enumerate() {
        let path = if i + 1 == platforms.len() {
            plain_copy.display().to_string()
        } else {
            BINARY.to_string()
        };
        args.push("--binary".into());
        args.push(format!("{platform}={path}"));
    }
    let out = release(&dist, &args);
    let said = text(&out);
    assert!(out.status.success(), "scripts/release.sh failed:\n{said}");
    assert!(
        said.contains("unsigned: set GPG_FINGERPRINT"),
        "an unsigned release says so:\n{said}"
    );
    assert!(!dist
        .join(format!("{NAME}_{VERSION}_SHA256SUMS.sig"))
        .exists());

    // One zip per platform, holding the binary under the name Terraform runs
    // (with .exe on windows), executable.
    let mut sums = Vec::new();
    let mirror = dist.join("mirror");
    let mirror_dir = mirror.join("registry.terraform.io/cftenant/cftenant");
    for platform in &platforms {
        let zip_name = format!("{NAME}_{VERSION}_{platform}.zip");
        assert!(said.contains(&zip_name), "{said}");
        let zip = std::fs::read(dist.join(&zip_name))
            .unwrap_or_else(|e| panic!("{zip_name}: {e}\n{said}"));
        assert_eq!(
            zip_entries(&zip),
            vec![(entry_name(platform), 0o100755)],
            "{zip_name}"
        );
        let packed = std::fs::read(mirror_dir.join(&zip_name))
            .unwrap_or_else(|e| panic!("the mirror's {zip_name}: {e}"));
        assert!(packed == zip, "the mirror's {zip_name} differs from dist's");
        sums.push(format!("{}  {zip_name}", sha256_hex(&zip)));
    }
    let in_mirror: BTreeSet<String> = std::fs::read_dir(&mirror_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = platforms
        .iter()
        .map(|p| format!("{NAME}_{VERSION}_{p}.zip"))
        .collect();
    assert_eq!(
        in_mirror, expected,
        "the mirror holds the zips and nothing else"
    );

    // The manifest, and the sums of every zip and of the manifest, sorted
    // by name as a registry publishes them.
    let manifest_name = format!("{NAME}_{VERSION}_manifest.json");
    let manifest = std::fs::read(dist.join(&manifest_name)).unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&manifest).unwrap(),
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
    sums.push(format!("{}  {manifest_name}", sha256_hex(&manifest)));
    sums.sort_by(|a, b| {
        a.split_once("  ")
            .unwrap()
            .1
            .cmp(b.split_once("  ").unwrap().1)
    });
    let written =
        std::fs::read_to_string(dist.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    assert_eq!(written, format!("{}\n", sums.join("\n")));

    // The provider example users copy, with its version constraint, locked
    // for every platform from the mirror alone. `providers lock` ignores the
    // CLI configuration's installation methods: the mirror is named with
    // -fs-mirror (the CLI configuration names it too, as a team's would).
    let ws = work.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    let example = std::fs::read_to_string(repo().join("examples/provider/provider.tf")).unwrap();
    let constraint = example
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("version")
                .and_then(|v| v.trim().strip_prefix('='))
                .map(|v| v.trim().trim_matches('"').to_string())
        })
        .expect("examples/provider/provider.tf pins the provider's version");
    std::fs::write(ws.join("provider.tf"), &example).unwrap();
    let cli_config = work.path().join("mirror.tfrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    include = [\"registry.terraform.io/cftenant/cftenant\"]\n  }}\n}}\ndisable_checkpoint = true\n",
            mirror.display().to_string()
        ),
    )
    .unwrap();
    let mut lock_args = vec![
        "providers".to_string(),
        "lock".into(),
        "-no-color".into(),
        format!("-fs-mirror={}", mirror.display()),
    ];
    lock_args.extend(platforms.iter().map(|p| format!("-platform={p}")));
    let lock_args: Vec<&str> = lock_args.iter().map(String::as_str).collect();
    let locked = terraform(&ws, &cli_config, &lock_args);
    let locked_text = text(&locked);
    assert!(
        locked.status.success(),
        "terraform providers lock failed (does {VERSION}, Cargo.toml's version, satisfy the example's \"{constraint}\"?):\n{locked_text}"
    );
    for platform in &platforms {
        assert!(
            locked_text.contains(&format!(
                "Obtained cftenant/cftenant checksums for {platform}"
            )),
            "{locked_text}"
        );
    }
    // From a mirror Terraform records the h1: hash of each platform's
    // unpacked package: our binary under that platform's file name.
    let lock_file = ws.join(".terraform.lock.hcl");
    let expected: BTreeSet<String> = platforms
        .iter()
        .map(|p| h1_hash(&entry_name(p), &binary))
        .collect();
    assert_eq!(
        locked_hashes(&lock_file, &constraint),
        expected.into_iter().collect::<Vec<_>>()
    );

    // terraform init installs the host's package from the mirror and checks
    // it against the lock file, which it leaves as it was.
    let lock_before = std::fs::read_to_string(&lock_file).unwrap();
    let init = terraform(&ws, &cli_config, &["init", "-input=false", "-no-color"]);
    let init_text = text(&init);
    assert!(init.status.success(), "terraform init failed:\n{init_text}");
    assert!(
        init_text.contains(&format!("Installed cftenant/cftenant v{VERSION}")),
        "{init_text}"
    );
    assert_eq!(std::fs::read_to_string(&lock_file).unwrap(), lock_before);
    let installed = ws
        .join(".terraform/providers/registry.terraform.io/cftenant/cftenant")
        .join(VERSION)
        .join(host_platform())
        .join(entry_name(&host_platform()));
    assert!(
        std::fs::read(&installed).unwrap_or_else(|e| panic!("{}: {e}", installed.display()))
            == binary,
        "the installed binary is not ours"
    );
}

/// What cannot make a release is refused before anything is written, with
/// a message naming it; and a release replaces the artifacts of its version
/// as a whole.
#[test]
fn release_refuses_what_it_cannot_package_and_replaces_its_version() {
    let work = tempfile::Builder::new()
        .prefix("cftenant-release-")
        .tempdir()
        .unwrap();
    let dist = work.path().join("dist");
    let missing = work.path().join("no-such-binary");
    let refusals: &[(&[String], i32, &str)] = &[
        (
            &[format!("--binary=linux_x86_64={BINARY}")],
            2,
            "'linux_x86_64' is not a Terraform platform",
        ),
        (
            &["--binary".into(), "linux_amd64".into()],
            2,
            "is not OS_ARCH=PATH",
        ),
        (
            &[
                format!("--binary=linux_amd64={BINARY}"),
                format!("--binary=linux_amd64={BINARY}"),
            ],
            2,
            "names linux_amd64 twice",
        ),
        (
            &[format!("--binary=darwin_arm64={}", missing.display())],
            1,
            "is not a non-empty file",
        ),
        (
            &["--version".into(), "0.3".into()],
            2,
            "is not a semantic version",
        ),
        (
            &["--version".into(), VERSION.into(), VERSION.into()],
            2,
            "the version is given twice",
        ),
        (&["--bogus".into()], 2, "unknown option --bogus"),
    ];
    for (args, code, message) in refusals {
        let out = release(&dist, args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(*code), "{args:?}:\n{said}");
        assert!(
            said.contains(message),
            "{args:?} should say {message:?}:\n{said}"
        );
        assert!(!dist.exists(), "{args:?} wrote {}", dist.display());
    }
    // A binary from the environment and --binary at once is ambiguous.
    let out = Command::new(repo().join("scripts/release.sh"))
        .arg(format!("--binary=linux_amd64={BINARY}"))
        .env("DIST_DIR", &dist)
        .env("CFTENANT_PROVIDER_BINARY", BINARY)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("CFTENANT_PROVIDER_BINARY and --binary are both given"),
        "{}",
        text(&out)
    );

    // Two platforms, then one: the other's zip does not linger, in dist or
    // in the mirror, beside sums that no longer list it.
    let both = [
        format!("--binary=linux_arm64={BINARY}"),
        format!("--binary=freebsd_amd64={BINARY}"),
    ];
    let out = release(&dist, &both);
    assert!(out.status.success(), "{}", text(&out));
    let out = release(&dist, &both[..1]);
    assert!(out.status.success(), "{}", text(&out));
    let zips = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".zip"))
            .collect()
    };
    let only = BTreeSet::from([format!("{NAME}_{VERSION}_linux_arm64.zip")]);
    assert_eq!(zips(&dist), only);
    assert_eq!(
        zips(&dist.join("mirror/registry.terraform.io/cftenant/cftenant")),
        only
    );
    let sums = std::fs::read_to_string(dist.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    assert!(!sums.contains("freebsd"), "{sums}");
}
