//! Installing the provider the way users do, from a `filesystem_mirror`,
//! rather than through `dev_overrides`: `terraform init` (which a state
//! backend needs) cannot install a provider only a dev override knows about.

use std::path::{Path, PathBuf};

/// Terraform's name for this machine's platform, e.g. `linux_amd64`.
pub fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => panic!("no Terraform platform name for {other}"),
    };
    format!("{}_{arch}", std::env::consts::OS)
}

/// A CLI configuration that installs `cftenant/cftenant` from the mirror at
/// `path` and nothing from anywhere else: no dev overrides, no network.
pub fn cli_config(path: &Path) -> String {
    format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    include = [\"registry.terraform.io/cftenant/cftenant\"]\n  }}\n}}\ndisable_checkpoint = true\n",
        path.display().to_string()
    )
}

/// A mirror in the unpacked layout whose provider is a symlink to the debug
/// binary cargo built for this test run: installing it costs nothing.
pub struct DebugBinaryMirror {
    dir: tempfile::TempDir,
}

impl DebugBinaryMirror {
    pub fn new() -> DebugBinaryMirror {
        let dir = tempfile::Builder::new()
            .prefix("cftenant-mirror-")
            .tempdir()
            .unwrap();
        let version = env!("CARGO_PKG_VERSION");
        let target = dir
            .path()
            .join("registry.terraform.io/cftenant/cftenant")
            .join(version)
            .join(platform());
        std::fs::create_dir_all(&target).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_terraform-provider-cftenant"),
            target.join(format!("terraform-provider-cftenant_v{version}")),
        )
        .unwrap();
        DebugBinaryMirror { dir }
    }

    /// Writes a CLI configuration using this mirror into `dir`; returns its path.
    pub fn write_cli_config(&self, dir: &Path) -> PathBuf {
        let path = dir.join("mirror.tfrc");
        std::fs::write(&path, cli_config(self.dir.path())).unwrap();
        path
    }
}
